// HTTP routes of the device registry (API.md "Devices and simulators"): GET /devices, and in demo mode
// only POST /sim/devices/:id/input and GET /sim/devices/:id/output (404 otherwise, as if absent).

import type { Request, Router } from 'express';
import type { DeviceService } from './service.js';

export interface DeviceRoutesOptions {
  devices: DeviceService;
  demo: boolean;
  /** Throws 401/403 unless the caller is a manager. */
  requireManager: (req: Request) => unknown;
}

export function mountDeviceRoutes(api: Router, o: DeviceRoutesOptions): void {
  api.get('/devices', (req, res) => {
    if (!o.demo) o.requireManager(req);
    res.json(o.devices.list());
  });
  if (!o.demo) return;
  api.post('/sim/devices/:id/input', async (req, res) => {
    res.json(await o.devices.simInput(String(req.params.id), req.body));
  });
  api.get('/sim/devices/:id/output', async (req, res) => {
    res.json(await o.devices.simOutput(String(req.params.id)));
  });
}
