import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { CellDefinition } from '../definition.ts';
import { InvoiceApi } from './InvoiceApi.ts';

export interface LatencyRoutingProps {
  readonly cellId: string;
  /** The shared name clients use, its hosted zone, and this Region's certificate. */
  readonly domain: NonNullable<CellDefinition['domain']>;
  readonly api: apigateway.RestApi;
  /**
   * The stage path of the health resource, e.g. `/v1/health`. The custom domains map the stage at
   * their root, so the health check asks for what follows the stage (`/health`).
   */
  readonly healthPath: string;
  /** When this alarm is in ALARM (API 5xx rate), the cell leaves DNS. */
  readonly healthAlarm: cloudwatch.IAlarm;
}

/**
 * One name for all cells: each cell stack adds its own latency record (set identifier = cell id)
 * for the shared domain, pointing at its Regional custom domain. Route 53 answers with the
 * lowest-latency healthy cell, so clients fail over to another Region when a cell is unhealthy.
 *
 * A cell is healthy when its API answers `GET /health` over HTTPS from Route 53's checkers AND its
 * 5xx-rate alarm is not in ALARM (a calculated health check over both).
 *
 * The default execute-api endpoint is switched off (`InvoiceApi.serveFromCustomDomain`): clients
 * and operators reach the cell through the custom domains only. The health check cannot use the
 * shared name (latency routing would answer with whichever cell is nearest the checker), so each
 * cell also answers at its own name `<cell id>.<domain>` — a second Regional custom domain with a
 * simple A record — which the check and the `bems` CLI (`api/url`) use. The domain's certificate
 * must cover both names (e.g. `invoices.example.com` and `*.invoices.example.com`; docs/DEPLOY.md).
 */
export class LatencyRouting extends Construct {
  public readonly domainName: apigateway.DomainName;
  public readonly record: route53.ARecord;
  public readonly healthCheck: route53.HealthCheck;
  /** `<cell id>.<domain>`: this cell only. */
  public readonly cellDomainName: apigateway.DomainName;

  constructor(scope: Construct, id: string, props: LatencyRoutingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { domain } = props;

    this.domainName = new apigateway.DomainName(this, 'DomainName', {
      domainName: domain.name,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
      mapping: props.api,
    });

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: domain.hostedZoneId,
      zoneName: domain.hostedZoneName,
    });
    const cellName = cellDomainName(props.cellId, domain.name);
    this.cellDomainName = new apigateway.DomainName(this, 'CellDomainName', {
      domainName: cellName,
      certificate: acm.Certificate.fromCertificateArn(this, 'CellCertificate', domain.certificateArn),
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
      mapping: props.api,
    });
    new route53.ARecord(this, 'CellRecord', {
      zone,
      recordName: cellName,
      target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayDomain(this.cellDomainName)),
      comment: `BEMS cell ${props.cellId} (${stack.region}) only`,
    });
    const invoiceApi = InvoiceApi.of(props.api);
    if (!invoiceApi) throw new Error('LatencyRouting serves an InvoiceApi');
    invoiceApi.serveFromCustomDomain(`https://${cellName}/`);

    const endpointCheck = new route53.HealthCheck(this, 'EndpointCheck', {
      type: route53.HealthCheckType.HTTPS,
      // The cell's own name, not the shared one: this check is about this cell only.
      fqdn: cellName,
      resourcePath: `/${props.healthPath.split('/').slice(2).join('/')}`,
      port: 443,
      enableSNI: true,
      requestInterval: Duration.seconds(30),
      failureThreshold: 3,
    });
    const alarmCheck = new route53.HealthCheck(this, 'AlarmCheck', {
      type: route53.HealthCheckType.CLOUDWATCH_METRIC,
      alarmIdentifier: { name: props.healthAlarm.alarmName, region: stack.region },
      // No data (no traffic) is not a reason to send clients elsewhere.
      insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS,
    });
    this.healthCheck = new route53.HealthCheck(this, 'CellHealth', {
      type: route53.HealthCheckType.CALCULATED,
      childHealthChecks: [endpointCheck, alarmCheck],
      healthThreshold: 2,
    });

    this.record = new route53.ARecord(this, 'LatencyRecord', {
      zone,
      recordName: domain.name,
      target: route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayDomain(this.domainName)),
      region: stack.region,
      setIdentifier: props.cellId,
      healthCheck: this.healthCheck,
      comment: `BEMS cell ${props.cellId} (${stack.region})`,
    });
  }
}

/** The name only this cell answers at, e.g. `euw1-a.invoices.example.com`. */
export function cellDomainName(cellId: string, domainName: string): string {
  return `${cellId}.${domainName}`;
}
