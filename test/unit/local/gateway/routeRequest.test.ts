import { describe, expect, it } from 'vitest';
import { routeRequest } from '../../../../local/gateway/routeRequest.ts';

/** How the gateway tells the emulated services apart: the cases each SDK and CLI sends. */

const signed = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=local/20261207/eu-west-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
const json = (target: string, authorization?: string) =>
  routeRequest({
    method: 'POST',
    url: '/',
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1', authorization },
    body: Buffer.from('{}'),
  });
const form = (body: string, authorization?: string) =>
  routeRequest({
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization },
    body: Buffer.from(body),
  });

describe('gateway routing', () => {
  it.each([
    ['AWSEvents.ListEventBuses', 'eventbridge', 'ListEventBuses'],
    ['Timestream_20181101.DescribeEndpoints', 'timestream', 'DescribeEndpoints'],
    ['Firehose_20150804.PutRecordBatch', 'firehose', 'PutRecordBatch'],
    ['DynamoDB_20120810.GetItem', 'dynamodb', 'GetItem'],
    ['AmazonSQS.ReceiveMessage', 'sqs', 'ReceiveMessage'],
  ])('sends the JSON protocol target %s to %s', (target, service, action) => {
    expect(json(target)).toEqual({ service, protocol: 'json', action });
  });

  it('sends query-protocol forms by their API version: SQS, SNS and STS', () => {
    expect(form('Action=ListQueues&Version=2012-11-05')).toMatchObject({
      service: 'sqs',
      protocol: 'query',
      action: 'ListQueues',
    });
    expect(form('Action=Publish&Version=2010-03-31')).toMatchObject({ service: 'sns', protocol: 'query' });
    expect(form('Action=GetCallerIdentity&Version=2011-06-15')).toMatchObject({ service: 'sts', protocol: 'query' });
  });

  it('falls back on the signature’s credential scope when the protocol does not say', () => {
    expect(form('Action=ListQueues', signed('sqs'))).toMatchObject({ service: 'sqs', protocol: 'query' });
    expect(json('SomeNewService_2030.Do', signed('events'))).toMatchObject({ service: 'eventbridge', action: 'Do' });
  });

  it('reads a GET’s query string as the form', () => {
    const route = routeRequest({
      method: 'GET',
      url: '/?Action=ListTopics&Version=2010-03-31',
      headers: {},
      body: Buffer.alloc(0),
    });
    expect(route).toMatchObject({ service: 'sns', protocol: 'query', action: 'ListTopics' });
  });

  it('says why a request has no route', () => {
    expect(json('Kinesis_20131202.PutRecord')).toEqual({
      unroutable: 'no emulated service speaks X-Amz-Target "Kinesis_20131202.PutRecord"',
    });
    expect(form('Action=Describe&Version=2099-01-01')).toEqual({
      unroutable: 'no emulated service speaks the query API version "2099-01-01"',
    });
    expect(routeRequest({ method: 'GET', url: '/', headers: {}, body: Buffer.alloc(0) })).toHaveProperty('unroutable');
  });
});
