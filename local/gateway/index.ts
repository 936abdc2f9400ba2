export { awsEnvironment } from './awsEnvironment.ts';
export {
  ADMIN_PATH,
  type AdminHandler,
  type GatewayOptions,
  type GatewayUpstreams,
  type RunningGateway,
  startGateway,
} from './startGateway.ts';
