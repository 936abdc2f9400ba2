export { classifyAwsRequest } from './classifyAwsRequest.ts';
export { countServerRequests } from './countServerRequests.ts';
export { RequestCounter, totalsByService } from './RequestCounter.ts';
