/**
 * The HPACK decoder of the etcd gRPC connection against RFC 7541's own examples: Appendix C.4
 * (requests, Huffman-coded, the dynamic table growing across blocks) and C.6 (responses with
 * a 256-octet table, so entries are evicted), the forms etcd's Go server (x/net/http2/hpack)
 * sends. The encoder's literal blocks must decode to what went in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeHeaders, HpackDecoder } from "../../runtime/src/storage/etcd/hpack.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("hpack", () => {
  it("decodes RFC 7541 C.4: requests with Huffman coding, sharing the dynamic table", () => {
    const d = new HpackDecoder();
    const authority = [":authority", "www.example.com"];
    assert.deepEqual(d.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff")), [[":method", "GET"], [":scheme", "http"], [":path", "/"], authority]);
    // 0xbe: the dynamic table's first entry, added by the block before
    assert.deepEqual(d.decode(hex("8286 84be 5886 a8eb 1064 9cbf")), [
      [":method", "GET"], [":scheme", "http"], [":path", "/"], authority, ["cache-control", "no-cache"],
    ]);
    assert.deepEqual(d.decode(hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")), [
      [":method", "GET"], [":scheme", "https"], [":path", "/index.html"], authority, ["custom-key", "custom-value"],
    ]);
  });

  it("decodes RFC 7541 C.6: responses evicting from a 256-octet table", () => {
    const d = new HpackDecoder(256);
    const date = (s: string) => ["date", `Mon, 21 Oct 2013 20:13:${s} GMT`];
    const location = ["location", "https://www.example.com"];
    assert.deepEqual(
      d.decode(hex(`4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718
        63c7 8f0b 97c8 e9ae 82ae 43d3`)),
      [[":status", "302"], ["cache-control", "private"], date("21"), location],
    );
    // ":status 307" evicts ":status 302"; the rest is indexed
    assert.deepEqual(d.decode(hex("4883 640e ffc1 c0bf")), [[":status", "307"], ["cache-control", "private"], date("21"), location]);
    assert.deepEqual(
      d.decode(hex(`88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335
        dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07`)),
      [
        [":status", "200"], ["cache-control", "private"], date("22"), location, ["content-encoding", "gzip"],
        ["set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"],
      ],
    );
  });

  it("decodes its own literal blocks, long values included", () => {
    const fields: [string, string][] = [[":path", "/etcdserverpb.KV/Txn"], ["grpc-timeout", "5000m"], ["x-long", "v".repeat(300)]];
    assert.deepEqual(new HpackDecoder().decode(encodeHeaders(fields)), fields);
  });

  it("rejects a Huffman string padded with anything but ones, and an index past the tables", () => {
    // name "a", then a one-octet Huffman value 0x00: "0" (five zero bits), then three zero bits of padding
    assert.throws(() => new HpackDecoder().decode(hex("00 01 61 81 00")), /Huffman padding/);
    assert.throws(() => new HpackDecoder().decode(hex("be")), /no table entry 62/);
  });
});
