/**
 * The typed client's protobuf path (`new ShopClient({ contentType: "protobuf" })`):
 * get, list, create and update send and accept application/vnd.kubernetes.protobuf
 * for kinds whose descriptor carries protobuf messages. Errors still arrive as
 * JSON Status bodies (the server writes them so), which the transport turns
 * into ApiError as usual. Watches stay JSON.
 */
import type { KindCodec } from "./protobuf/codec.js";
import { PROTOBUF_MEDIA_TYPE } from "./protobuf/envelope.js";
import type { HttpRequest, Transport } from "./transport.js";

export async function protobufRequest<T>(transport: Transport, codec: KindCodec, req: HttpRequest, body?: Record<string, unknown>): Promise<T> {
  const res = await transport.stream({
    ...req,
    accept: `${PROTOBUF_MEDIA_TYPE}, application/json`,
    ...(body ? { body: codec.encodeObject(body), contentType: PROTOBUF_MEDIA_TYPE } : {}),
  });
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  const data = Buffer.concat(chunks);
  const type = String(res.headers["content-type"] ?? "");
  return (type.startsWith(PROTOBUF_MEDIA_TYPE) ? codec.decode(data) : JSON.parse(data.toString("utf8"))) as T;
}
