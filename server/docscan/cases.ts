// The window's document scanner as case capture sees it (the cases module's WindowScanner): scan now, and
// take every page of the window's scan draft into the case. A scanner that is missing, offline or empty is
// refused in the one error shape, with the same codes as the window's own scan route.

import type { WindowScanner } from '../cases/service.js';
import { HallError } from '../errors.js';
import { scanError } from './routes.js';
import type { DocscanService } from './service.js';

export function caseScannerOf(service: DocscanService): WindowScanner {
  return {
    async scanForCase(windowId) {
      if (!service.hasScanner(windowId)) throw new HallError('NO_DEVICE', '本窗口没有配置扫描仪 / no document scanner at this window', undefined, 404);
      try {
        return await service.takeForCase(windowId);
      } catch (err) {
        throw scanError(err);
      }
    },
  };
}
