/**
 * The hand-written protobuf of the etcd write Txn, against bytes checked with protobufjs
 * over etcd's api/etcdserverpb/rpc.proto (the decoded form is in each comment). Revisions
 * past 2^32 are included: etcd's revisions are int64. Against a real etcd the codec runs in
 * the shared suite (etcd.test.ts), whose conflicts take the failure branch.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeCasTxnResponse, encodeCasTxn } from "../../runtime/src/storage/etcd/txn-proto.js";

const key = "/registry/x/a";
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("etcd Txn protobuf", () => {
  it("encodes a create: compare mod_revision == 0 (present, a oneof member), put, else range", () => {
    // {compare: [{target: MOD, key, mod_revision: 0}], success: [{request_put: {key, value}}], failure: [{request_range: {key}}]}
    const want = hex(`0a13 1002 1a0d2f72656769737472792f782f61 3000
      121a 1218 0a0d2f72656769737472792f782f61 12077b2261223a317d
      1a11 0a0f 0a0d2f72656769737472792f782f61`);
    assert.deepEqual(encodeCasTxn(key, 0, '{"a":1}'), want);
  });

  it("writes keys and values as UTF-8, short and long", () => {
    const value = JSON.stringify({ note: "ü".repeat(60) });
    const txn = encodeCasTxn("/registry/x/é", 0, value);
    assert.ok(txn.includes(Buffer.from("/registry/x/é")));
    // the value's length prefix (two varint bytes: 131 octets) and its UTF-8 octets
    assert.ok(txn.includes(Buffer.concat([Buffer.from([0x12, 0x83, 0x01]), Buffer.from(value)])));
  });

  it("encodes a delete at a revision past 2^32", () => {
    // {compare: [{target: MOD, key, mod_revision: 1099511627781}], success: [{request_delete_range: {key}}], failure: [{request_range: {key}}]}
    const want = hex(`0a18 1002 1a0d2f72656769737472792f782f61 30858080808020
      1211 1a0f 0a0d2f72656769737472792f782f61
      1a11 0a0f 0a0d2f72656769737472792f782f61`);
    assert.deepEqual(encodeCasTxn(key, 2 ** 40 + 5, null), want);
  });

  it("decodes a failed compare: the header's revision and the key as it is, skipping fields it does not read", () => {
    // {header: {cluster_id, member_id, revision: 2^40+9, raft_term: 3}, succeeded: false, responses: [{response_range:
    //   {header: {revision: 2^40+9}, kvs: [{key, create_revision: 7, mod_revision: 2^40+5, version: 4, value, lease: 99}], count: 1}}]}
    const res = decodeCasTxnResponse(
      hex(`0a1f 08b298eaf1948386fccd01 10cdd2918bd2b881cf8e01 18898080808020 2003 1000
        1a36 0a34 0a07 18898080808020 1225 0a0d2f72656769737472792f782f61 1007 18858080808020 2004 2a077b2262223a327d 3063
        1800 2001`),
    );
    assert.equal(res.succeeded, false);
    assert.equal(res.revision, 2 ** 40 + 9);
    assert.deepEqual(res.current, { key: Buffer.from(key), createRevision: 7, modRevision: 2 ** 40 + 5, value: Buffer.from('{"b":2}') });
  });

  it("decodes a success: the write's revision, no current row", () => {
    // {header: {cluster_id: 1, member_id: 2, revision: 12, raft_term: 3}, succeeded: true, responses: [{response_put: {header: {revision: 12}}}]}
    const res = decodeCasTxnResponse(hex("0a08 0801 1002 180c 2003 1001 1a06 1204 0a02 180c"));
    assert.deepEqual(res, { revision: 12, succeeded: true, current: undefined });
  });

  it("rejects a truncated answer instead of reading past it", () => {
    assert.throws(() => decodeCasTxnResponse(hex("0a08 0801 1002")), /past the end|truncated/);
  });
});
