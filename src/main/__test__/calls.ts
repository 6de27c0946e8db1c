import type { ErrorInfo } from '../../shared/errors';
import type { Channel, Handlers, Reply, Request } from '../../shared/ipc/contract';
import { dispatch } from '../dispatch';

/**
 * Calls channels the way the page does (through dispatch, so requests are checked): `call` gives the
 * reply and throws on a refusal; `fails` gives the refusal and throws on a reply.
 */
export function channelCalls(handlers: Handlers) {
  const call = async <C extends Channel>(channel: C, request: Request<C>): Promise<Reply<C>> => {
    const result = await dispatch(handlers, channel, request);
    if (!result.ok) throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as Reply<C>;
  };
  const fails = async <C extends Channel>(channel: C, request: Request<C>): Promise<ErrorInfo> => {
    const result = await dispatch(handlers, channel, request);
    if (result.ok) throw new Error(`${channel} was expected to fail`);
    return result.error;
  };
  return { call, fails };
}
