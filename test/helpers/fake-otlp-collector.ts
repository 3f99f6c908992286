// A fake OpenTelemetry collector on 127.0.0.1: OTLP/HTTP POST /v1/traces, decoded as the collector
// decodes it — protobuf (application/x-protobuf) by the ExportTraceServiceRequest message of
// opentelemetry-proto (the fields below, numbered as there), or OTLP/JSON — into plain spans.
import protobuf from 'protobufjs';
import { sendJson, startRecordingServer, type RecordingServer } from './recording-server.ts';

const TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12; uint32 dropped_links_count = 14;
  Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

const ExportTraceServiceRequest = protobuf.parse(TRACE_PROTO, { keepCase: false }).root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 3 client. */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  events: string[];
  /** OTLP's StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, unknown>;
  /** How it came: application/x-protobuf or application/json. */
  encoding: string;
}

export interface FakeCollector extends RecordingServer {
  spans: CollectedSpan[];
}

/** `path`: where it takes spans (Langfuse's OTLP endpoint is /api/public/otel/v1/traces). */
export async function startFakeCollector(path = '/v1/traces'): Promise<FakeCollector> {
  const spans: CollectedSpan[] = [];
  const server = await startRecordingServer();
  server.respond((request, res) => {
    if (request.method !== 'POST' || request.url !== path) return void res.writeHead(404).end();
    const type = String(request.headers['content-type'] ?? '');
    const body = type.startsWith('application/x-protobuf') ? decodeProtobuf(request.raw) : request.json;
    for (const resourceSpans of body.resourceSpans ?? []) {
      const resource = attributesOf(resourceSpans.resource?.attributes);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) spans.push({ ...spanOf(span), resource, encoding: type.split(';')[0]! });
      }
    }
    sendJson(res, 200, {});
  });
  return { ...server, spans };
}

function decodeProtobuf(bytes: Buffer): any {
  const message = ExportTraceServiceRequest.decode(bytes);
  const request = ExportTraceServiceRequest.toObject(message, { longs: String, bytes: String });
  // Ids as OTLP/JSON writes them: hex, not base64.
  for (const resourceSpans of request['resourceSpans'] ?? []) {
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) for (const id of ['traceId', 'spanId', 'parentSpanId']) span[id] = span[id] ? Buffer.from(span[id], 'base64').toString('hex') : '';
    }
  }
  return request;
}

function spanOf(span: any): Omit<CollectedSpan, 'resource' | 'encoding'> {
  return {
    traceId: hexId(span.traceId),
    spanId: hexId(span.spanId),
    parentSpanId: hexId(span.parentSpanId),
    name: span.name,
    kind: Number(span.kind ?? 0),
    startMs: Number(BigInt(span.startTimeUnixNano) / 1_000_000n),
    endMs: Number(BigInt(span.endTimeUnixNano) / 1_000_000n),
    attributes: attributesOf(span.attributes),
    events: (span.events ?? []).map((event: any) => event.name),
    statusCode: Number(span.status?.code ?? 0),
  };
}

/** Protobuf ids arrive as hex (decoded above); OTLP/JSON writes them as hex too. */
function hexId(id: unknown): string {
  return typeof id === 'string' ? id.toLowerCase() : '';
}

function attributesOf(list: any[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

function anyValue(value: any): unknown {
  if (!value) return undefined;
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) return Number(value.intValue);
  if (value.doubleValue != null) return Number(value.doubleValue);
  if (value.arrayValue != null) return (value.arrayValue.values ?? []).map(anyValue);
  return undefined;
}
