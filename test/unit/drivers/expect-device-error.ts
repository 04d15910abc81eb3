import { expect } from 'chai';
import { DeviceError } from '../../../drivers/errors.js';

/** Runs `fn`, which must throw a DeviceError with this code; returns it for further checks. */
export function expectDeviceError(fn: () => unknown, code: string): DeviceError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(DeviceError);
    expect((e as DeviceError).code).to.equal(code);
    return e as DeviceError;
  }
  expect.fail(`expected a DeviceError ${code}`);
}
