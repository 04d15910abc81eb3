// The queue domain's public surface: pure functions over plain data.

export * from './calendar.js';
export * from './queue.js';
export { decide, formatNumber, ticketId } from './decide.js';
export { apply, applyBody, initialState, closedWindow, transferSection } from './apply.js';
export type * from './types.js';
export { TicketTable } from './ticket-table.js';
export { QueueIndex } from './queue-index.js';
