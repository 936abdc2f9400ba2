import { Duration, Fn, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../schemas/envelope.ts';
import type { CellOutputs } from './CellOutputs.ts';
import { type CellDataProps, dataRemovalPolicy, stackUniqueSuffix } from './cellData.ts';

/** `encryptionKey` encrypts the bus and the archive; `removalPolicy` is the archive's (replay's source). */
export interface CellBusProps extends CellDataProps {
  readonly busName: string;
  /**
   * The archive's name before the stack's suffix (`stackUniqueSuffix`): the archive outlives a
   * stack delete, and a second archive of the same name could not be created beside it.
   */
  readonly archiveName: string;
  /** Days the archive keeps events; 0 keeps them indefinitely (the audit default). */
  readonly archiveRetentionDays: number;
}

/**
 * The cell's custom event bus and its archive. Every event ingest accepts is archived before any
 * rule delivers it, so `bems replay` can rebuild anything downstream.
 */
export class CellBus extends Construct {
  public readonly bus: events.EventBus;
  public readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: CellBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName,
      description: 'BEMS invoice events of one cell',
      kmsKey: props.encryptionKey,
    });
    this.archive = new events.Archive(this, 'Archive', {
      // Unique per stack: readers find it in the cell's outputs (`archive/name`), not by its name.
      archiveName: Fn.join('-', [props.archiveName, stackUniqueSuffix()]),
      description: 'Every invoice event the cell accepted (audit and replay)',
      // By ARN, not by reference: with a customer-managed key the archive adds a key-policy
      // statement naming its bus, and a reference would make the key depend on the bus that
      // depends on the key.
      sourceEventBus: events.EventBus.fromEventBusArn(
        this,
        'SourceBus',
        Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: props.busName }),
      ),
      eventPattern: { source: [EVENT_SOURCE] },
      // The CDK renders 0 days as "indefinitely", the EventBridge meaning of 0.
      retention: Duration.days(props.archiveRetentionDays),
      kmsKey: props.encryptionKey,
    });
    this.archive.node.addDependency(this.bus);
    this.archive.applyRemovalPolicy(dataRemovalPolicy(props));
  }

  /** The bus and the archive (the replay source) for operator tools (`CellOutputs`). */
  addOutputs(out: CellOutputs): void {
    out.add('bus/name', this.bus.eventBusName, 'EventBridge bus');
    out.add('bus/arn', this.bus.eventBusArn, 'EventBridge bus ARN');
    out.add('archive/name', this.archive.archiveName, 'EventBridge archive (replay source)');
    out.add('archive/arn', this.archive.archiveArn, 'EventBridge archive ARN');
  }
}
