import { describeIssues } from '../shared/validation';
import { isGroundLabelError, messageOf } from '../shared/errors';
import { channels, type Channel, type Handlers, type Result } from '../shared/ipc/contract';

export const isChannel = (name: string): name is Channel => Object.hasOwn(channels, name);

/**
 * Validates a request against its channel's schema, runs the handler, and wraps the outcome in a
 * result envelope: Electron only carries a thrown error's message, and HTTP none at all.
 */
export async function dispatch(handlers: Handlers, channel: Channel, raw: unknown): Promise<Result<unknown>> {
  const parsed = channels[channel].request.safeParse(raw ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'bad-argument', message: `${channel}: ${describeIssues(parsed.error, '(request)')}` },
    };
  }
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (e) {
    return {
      ok: false,
      error: isGroundLabelError(e) ? e.toJSON() : { code: 'io-failed', message: messageOf(e) },
    };
  }
}
