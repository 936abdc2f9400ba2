export { classifyAwsRequest } from './classifyAwsRequest.ts';
export { RequestCounter } from './RequestCounter.ts';
export {
  type ClassifyRequest,
  type CountingProxy,
  type CountingProxyOptions,
  startCountingProxy,
} from './startCountingProxy.ts';
