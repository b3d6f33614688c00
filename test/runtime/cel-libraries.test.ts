/**
 * The CEL libraries a 1.32 kube-apiserver gives CRD rules
 * (k8s.io/apiserver/pkg/cel/environment/base.go), through the server's
 * validation path (validateCelRules): each expression is a rule on an object,
 * and what it yields, or the error it stops with, is what kube's own tests
 * expect. Sources, in k8s.io/apiserver/pkg/cel/library: quantity_test.go,
 * ip_test.go, cidr_test.go, format_test.go, urls.go (Go's net/url), and the
 * runtime costs of cost_test.go; cel-go's ext/sets_test.go and its optional
 * library (cel-go/cel/library.go) for the rest. Their runtime costs are in
 * cel-cost.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StructuralSchema } from "../../runtime/src/api/resource.js";
import { validateCelRules } from "../../runtime/src/validation/cel.js";

/** A rule's outcome on `{}`: "true", "false", or the message of the error it stopped with. */
function outcome(rule: string): string {
  const schema: StructuralSchema = { type: "object", "x-kubernetes-validations": [{ rule }] };
  const errs = validateCelRules({}, schema);
  if (errs.length === 0) return "true";
  assert.equal(errs.length, 1, rule);
  const message = errs[0]!.message;
  if (message.endsWith(`failed rule: ${rule}`)) return "false";
  const m = /^Invalid value: "object": (.*) evaluating rule: /.exec(message);
  assert.ok(m, message);
  return m[1]!;
}

/** Each case: [rule, "true" | "false" | the error message]. */
function table(cases: [string, string][]): void {
  for (const [rule, want] of cases) assert.equal(outcome(rule), want, rule);
}

const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

describe("Kubernetes' CEL libraries in rules", () => {
  it("quantity: parsing, comparison, arithmetic and integers as resource.Quantity (quantity_test.go)", () => {
    table([
      ['quantity("12Mi") == quantity("12582912")', "true"],
      ['quantity("10Mo") == quantity("1")', QUANTITY_FORMAT],
      ['quantity("10Mm") == quantity("1")', "unable to parse quantity's suffix"],
      ['isQuantity("20") && isQuantity("20M") && isQuantity("20Mi")', "true"],
      ['isQuantity("20Mo") || isQuantity("10Mm")', "false"],
      ['quantity("200M") == quantity("0.2G") && quantity("0.2G") == quantity("200M")', "true"],
      ['quantity("2M") == quantity("0.002G") && quantity("2000k") == quantity("2M")', "true"],
      ['quantity("200M") == quantity("0.3G")', "false"],
      ['quantity("50M").isLessThan(quantity("50Mi")) && !quantity("100M").isLessThan(quantity("50M"))', "true"],
      ['quantity("50Mi").isGreaterThan(quantity("50M")) && !quantity("50M").isGreaterThan(quantity("100M"))', "true"],
      ['quantity("200M").compareTo(quantity("0.2G")) == 0 && quantity("50M").compareTo(quantity("50Mi")) == -1', "true"],
      ['quantity("50k").add(quantity("20")) == quantity("50.02k")', "true"],
      ['quantity("50k").add(20).isLessThan(quantity("50020"))', "false"],
      ['quantity("50k").sub(quantity("20")) == quantity("49.98k") && quantity("50k").sub(20) == quantity("49980")', "true"],
      ['quantity("50k").add(20).sub(quantity("100k")).asInteger() == -49980', "true"],
      ['quantity("50k").add(20).sub(quantity("100k")).sub(-50000).asInteger() == 20', "true"],
      ['quantity("50k").asInteger() == 50000 && quantity("50").isInteger()', "true"],
      ['quantity("9999999999999999999999999999999999999G").asInteger() == 0', "cannot convert value to integer"],
      ['quantity("9999999999999999999999999999999999999G").isInteger()', "false"],
      ['quantity("50.703k").asApproximateFloat() == 50703.0', "true"],
      // Go holds 1000m as 1000 * 10^-3: AsInt64 answers false for a negative scale.
      ['quantity("1000m").isInteger()', "false"],
      // sign is a global function upstream (quantity.go declares cel.Overload, not MemberOverload).
      ['sign(quantity("-1")) == -1 && sign(quantity("0")) == 0 && sign(quantity("3Ki")) == 1', "true"],
      // Parsing rounds up to 1n; binary amounts are capped at 2^63-1.
      ['quantity("0.0000000001") == quantity("1n") && quantity("16Ei") == quantity("9223372036854775807")', "true"],
    ]);
  });

  it("ip: parsing as net/netip, zones and IPv4-mapped addresses refused, the address classes (ip_test.go)", () => {
    table([
      ['string(ip("192.168.0.1")) == "192.168.0.1"', "true"],
      [
        'ip("192.168.0.1.0").family() == 4',
        'IP Address "192.168.0.1.0" parse error during conversion from string: ParseAddr("192.168.0.1.0"): IPv4 address too long',
      ],
      [
        'ip("2001:db8:::68").family() == 6',
        'IP Address "2001:db8:::68" parse error during conversion from string: ParseAddr("2001:db8:::68"): each colon-separated field must have at least one digit (at ":68")',
      ],
      ['ip("01.2.3.4").family() == 4', 'IP Address "01.2.3.4" parse error during conversion from string: ParseAddr("01.2.3.4"): IPv4 field has octet with leading zero'],
      ['ip("fe80::1%eth0").family() == 6', 'IP address "fe80::1%eth0" with zone value is not allowed'],
      ['ip("::ffff:1.2.3.4").family() == 6', 'IPv4-mapped IPv6 address "::ffff:1.2.3.4" is not allowed'],
      ['isIP("192.168.0.1") && !isIP("192.168.0.1.0") && isIP("2001:db8::68") && !isIP("2001:db8:::68")', "true"],
      ['ip.isCanonical("127.0.0.1") && ip.isCanonical("2001:db8::68") && !ip.isCanonical("2001:DB8::68")', "true"],
      ['ip.isCanonical("127.0.0.1.0")', 'IP Address "127.0.0.1.0" parse error during conversion from string: ParseAddr("127.0.0.1.0"): IPv4 address too long'],
      ['ip("192.168.0.1").family() == 4 && ip("2001:db8::68").family() == 6', "true"],
      ['ip("0.0.0.0").isUnspecified() && !ip("127.0.0.1").isUnspecified() && ip("::").isUnspecified() && !ip("::1").isUnspecified()', "true"],
      ['ip("127.0.0.1").isLoopback() && !ip("1.2.3.4").isLoopback() && ip("::1").isLoopback() && !ip("2001:db8::abcd").isLoopback()', "true"],
      ['ip("224.0.0.1").isLinkLocalMulticast() && !ip("224.0.1.1").isLinkLocalMulticast()', "true"],
      ['ip("ff02::1").isLinkLocalMulticast() && !ip("fd00::1").isLinkLocalMulticast()', "true"],
      ['ip("169.254.169.254").isLinkLocalUnicast() && !ip("192.168.0.1").isLinkLocalUnicast()', "true"],
      ['ip("fe80::1").isLinkLocalUnicast() && !ip("fd80::1").isLinkLocalUnicast()', "true"],
      ['ip("192.168.0.1").isGlobalUnicast() && !ip("255.255.255.255").isGlobalUnicast()', "true"],
      ['ip("2001:db8::abcd").isGlobalUnicast() && !ip("ff00::1").isGlobalUnicast()', "true"],
      ['string(ip("2001:db8:0:0:0:0:0:68")) == "2001:db8::68" && ip("2001:db8::68") == ip("2001:DB8::68")', "true"],
    ]);
  });

  it("cidr: parsing as netip.ParsePrefix, containment, masks (cidr_test.go)", () => {
    const parseError = (s: string) =>
      `network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(s)}): bad bits after slash: ""`;
    table([
      ['string(cidr("192.168.0.0/24")) == "192.168.0.0/24"', "true"],
      ['cidr("192.168.0.0/").prefixLength() == 0', parseError("192.168.0.0/")],
      ['cidr("2001:db8::/").prefixLength() == 0', parseError("2001:db8::/")],
      ['cidr("192.168.0.0/24").containsIP(ip("192.168.0.1")) && !cidr("192.168.0.0/24").containsIP(ip("192.168.1.1"))', "true"],
      ['cidr("192.168.0.0/24").containsIP("192.168.0.1") && !cidr("192.168.0.0/24").containsIP("192.168.1.1")', "true"],
      ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/25")) && cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.1/32"))', "true"],
      ['cidr("192.168.0.0/24").containsCIDR(cidr("192.168.0.0/23")) || cidr("192.168.0.0/24").containsCIDR(cidr("192.169.0.1/32"))', "false"],
      ['cidr("192.168.0.0/24").containsCIDR("192.168.0.0/25") && !cidr("192.168.0.0/24").containsCIDR("192.168.0.0/23")', "true"],
      ['cidr("192.168.0.0/24").ip() == ip("192.168.0.0") && cidr("192.168.0.0/24").prefixLength() == 24', "true"],
      ['cidr("192.168.0.1/24").masked() == cidr("192.168.0.0/24") && cidr("192.168.0.1/24") != cidr("192.168.0.0/24")', "true"],
      ['cidr("2001:db8::/32").containsIP(ip("2001:db8::1")) && !cidr("2001:db8::/32").containsIP("2001:dc8::1")', "true"],
      ['cidr("2001:db8::/32").containsCIDR("2001:db8::/33") && !cidr("2001:db8::/32").containsCIDR(cidr("2001:db8::/31"))', "true"],
      ['cidr("2001:db8:1::/32").masked() == cidr("2001:db8::/32") && cidr("2001:db8::/32").ip() == ip("2001:db8::")', "true"],
      ['isCIDR("10.0.0.0/8") && !isCIDR("10.0.0.0/33") && !isCIDR("10.0.0.0")', "true"],
      ['cidr("10.0.0.0/8").containsIP("2001:db8::1")', "false"],
    ]);
  });

  it("url: what url.ParseRequestURI takes, the parts of url.Parse (urls.go)", () => {
    table([
      ['url("https://user:pw@example.com:8443/a%20b/c?x=1&x=2&y=#frag").getScheme() == "https"', "true"],
      ['url("https://user:pw@example.com:8443/a/c").getHost() == "example.com:8443"', "true"],
      ['url("https://example.com:8443/").getHostname() == "example.com" && url("https://example.com:8443/").getPort() == "8443"', "true"],
      ['url("https://[::1]:80/").getHostname() == "::1" && url("https://[::1]/").getPort() == ""', "true"],
      ['url("https://example.com/a%20b/c").getEscapedPath() == "/a%20b/c" && url("https://example.com/a b").getEscapedPath() == "/a%20b"', "true"],
      ['url("https://example.com/?x=1&x=2&y=").getQuery() == {"x": ["1", "2"], "y": [""]}', "true"],
      ['url("/absolute/path").getScheme() == "" && url("/absolute/path").getEscapedPath() == "/absolute/path"', "true"],
      ['url("example.com").getHost() == ""', 'URL parse error during conversion from string: parse "example.com": invalid URI for request'],
      ['url("https://example.com:port/").getHost() == ""', 'URL parse error during conversion from string: parse "https://example.com:port/": invalid port ":port" after host'],
      ['url("https://example.com/%zz").getHost() == ""', 'URL parse error during conversion from string: parse "https://example.com/%zz": invalid URL escape "%zz"'],
      ['isURL("https://example.com") && isURL("/path") && !isURL("example.com") && !isURL("")', "true"],
    ]);
  });

  it("format: named formats and validate(), an optional list of apimachinery's messages (format_test.go)", () => {
    table([
      ['!format.dns1123Label().validate("my-label-name").hasValue()', "true"],
      [
        'format.dns1123Label().validate("MyLabel").value() == ["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')"]',
        "true",
      ],
      ['!format.dns1123Subdomain().validate("apiextensions.k8s.io").hasValue()', "true"],
      ['!format.dns1035Label().validate("my-label-name").hasValue() && format.dns1035Label().validate("1abc").hasValue()', "true"],
      ['!format.qualifiedName().validate("apiextensions.k8s.io/v1beta1").hasValue()', "true"],
      ['!format.dns1123LabelPrefix().validate("my-label-prefix-").hasValue() && format.dns1123Label().validate("my-label-prefix-").hasValue()', "true"],
      ['!format.dns1123SubdomainPrefix().validate("mysubdomain.prefix.-").hasValue()', "true"],
      ['!format.labelValue().validate("my-cool-label-Value").hasValue()', "true"],
      ['!format.uri().validate("http://example.com").hasValue() && format.uri().validate("example.com").value() == [\'parse "example.com": invalid URI for request\']', "true"],
      ['!format.uuid().validate("123e4567-e89b-12d3-a456-426614174000").hasValue() && format.uuid().validate("x").value() == ["does not match the UUID format"]', "true"],
      ['!format.byte().validate("aGVsbG8=").hasValue() && format.byte().validate("aGVsbG8").value() == ["invalid base64"]', "true"],
      ['!format.date().validate("2021-01-01").hasValue() && format.date().validate("2021-13-01").value() == ["invalid date"]', "true"],
      ['!format.datetime().validate("2021-01-01T00:00:00Z").hasValue() && format.datetime().validate("x").value() == ["invalid datetime"]', "true"],
      ['format.named("dns1123Label").hasValue() && !format.named("dns1123label").hasValue()', "true"],
      ['format.named("dns1123Label").value() == format.dns1123Label() && format.dns1123Label() != format.labelValue()', "true"],
    ]);
  });

  it("sets: contains, equivalent, intersects with CEL equality (cel-go ext/sets_test.go)", () => {
    table([
      ["sets.contains([], []) && sets.contains([1], []) && sets.contains([1], [1]) && sets.contains([1], [1, 1])", "true"],
      ["sets.contains([1, 2], [2, 3])", "false"],
      ["sets.contains([1, 2.0, 3u], [1.0, 2u, 3])", "true"],
      ["sets.equivalent([], []) && sets.equivalent([1], [1, 1]) && sets.equivalent([1, 2], [2, 1])", "true"],
      ["sets.equivalent([1, 2], [1, 2, 3])", "false"],
      ["sets.intersects([1], [1, 2]) && !sets.intersects([], []) && !sets.intersects([1], [2])", "true"],
      ['sets.contains([quantity("1k")], [quantity("1000")])', "true"],
    ]);
  });

  it("optionals: of, none, ofNonZeroValue, hasValue, value, orValue, or (cel-go's optional library)", () => {
    table([
      ["optional.of(1).hasValue() && optional.of(1).value() == 1 && !optional.none().hasValue()", "true"],
      ["optional.none().orValue(5) == 5 && optional.of(2).orValue(5) == 2", "true"],
      ["optional.none().or(optional.of(3)).value() == 3 && optional.of(1).or(optional.of(3)).value() == 1", "true"],
      ["!optional.ofNonZeroValue(0).hasValue() && !optional.ofNonZeroValue('').hasValue() && optional.ofNonZeroValue([1]).hasValue()", "true"],
      ["optional.none() == optional.none() && optional.of(1) == optional.of(1.0) && optional.of('a') != optional.of('b')", "true"],
      ['optional.of(quantity("1k")) == optional.of(quantity("1000")) && optional.of(1) != optional.none()', "true"],
      ["optional.none().value() == 1", "optional.none() dereference"],
    ]);
  });

  it("optionals of lists, maps and bytes compare by what they hold, as cel-go's == does", () => {
    table([
      ["optional.of([1, 'a']) == optional.of([1.0, 'a']) && optional.of([[1], []]) == optional.of([[1u], []])", "true"],
      ["optional.of([1, 2]) != optional.of([2, 1]) && optional.of([1]) != optional.of([1, 1])", "true"],
      ["optional.of({'a': 1, 'b': [2]}) == optional.of({'b': [2.0], 'a': 1}) && optional.of({1: 'x'}) == optional.of({1u: 'x'})", "true"],
      ["optional.of({'a': 1}) != optional.of({'a': 2}) && optional.of({'a': 1}) != optional.of({'a': 1, 'b': 1})", "true"],
      // Items are told apart however their text reads: no joining of two strings looks like one.
      ["optional.of(['a,string:b']) != optional.of(['a', 'b']) && optional.of({'a': 'b=c'}) != optional.of({'a=b': 'c'})", "true"],
      ["optional.of(b'ab') == optional.of(b'ab') && optional.of(b'ab') != optional.of(b'ba')", "true"],
      ['optional.of([quantity("1k")]) == optional.of([quantity("1000")])', "true"],
      // int64 beyond 2^53 keeps its exact value; NaN equals nothing, inside a list too.
      ["optional.of(9007199254740993) != optional.of(9007199254740992) && optional.of([0.0/0.0]) != optional.of([0.0/0.0])", "true"],
    ]);
  });

  it("optional field selection x.?f: of the field when present, none when not, carried along a chain (cel-go's optional library)", () => {
    const schema: StructuralSchema = {
      type: "object",
      properties: { spec: { type: "object", properties: { replicas: { type: "integer" }, name: { type: "string" } } } },
    };
    const holds = (rule: string, value: unknown) => validateCelRules(value, { ...schema, "x-kubernetes-validations": [{ rule }] }).map((e) => e.message);
    const fail = (rule: string) => [`Invalid value: "object": failed rule: ${rule}`];
    assert.deepEqual(holds("self.?spec.?replicas.orValue(1) == 3", { spec: { replicas: 3 } }), []);
    assert.deepEqual(holds("self.?spec.?replicas.orValue(1) == 1", { spec: {} }), []);
    assert.deepEqual(holds("self.?spec.?replicas.orValue(1) == 1", {}), []);
    assert.deepEqual(holds("!self.?spec.name.hasValue()", {}), []);
    assert.deepEqual(holds("self.?spec.name == optional.of('x')", { spec: { name: "x" } }), []);
    assert.deepEqual(holds("self.?spec.?name.hasValue()", { spec: {} }), fail("self.?spec.?name.hasValue()"));
    // A plain select after `.?` on a present value with the field missing is an error, as a plain select is.
    assert.deepEqual(holds("self.?spec.name.hasValue()", { spec: {} }), ['Invalid value: "object": no such key: name evaluating rule: self.?spec.name.hasValue()']);
    // `.?` inside a string literal is text.
    assert.deepEqual(holds("'a.?b'.size() == 4 && \"x.?y\" != ''", {}), []);
  });
});

describe("optionalOldSelf (apiextensions validation.go: such rules run where there is no old value, oldSelf being optional.none())", () => {
  const replicas: StructuralSchema = {
    type: "object",
    properties: {
      replicas: {
        type: "integer",
        "x-kubernetes-validations": [{ rule: "!oldSelf.hasValue() || self >= oldSelf.value()", message: "replicas may not decrease", optionalOldSelf: true }],
      },
      floor: { type: "integer", "x-kubernetes-validations": [{ rule: "oldSelf.orValue(0) <= self", message: "floor may not decrease", optionalOldSelf: true }] },
      plain: { type: "integer", "x-kubernetes-validations": [{ rule: "self >= oldSelf", message: "plain may not decrease" }] },
      first: { type: "string", "x-kubernetes-validations": [{ rule: "oldSelf.hasValue()", message: "first must have been set on create", optionalOldSelf: true }] },
    },
  };
  const messages = (value: unknown, old?: unknown) => validateCelRules(value, replicas, old).map((e) => `${e.field}: ${e.message}`);

  it("on create: the rule runs with oldSelf none (a plain transition rule does not run)", () => {
    assert.deepEqual(messages({ replicas: 3, floor: -1, plain: 1 }), ["floor: Invalid value: \"integer\": floor may not decrease"]);
    assert.deepEqual(messages({ first: "x" }), ["first: Invalid value: \"string\": first must have been set on create"]);
  });

  it("on update: oldSelf holds the stored value where there is one, none where the field is new", () => {
    assert.deepEqual(messages({ replicas: 5, plain: 2 }, { replicas: 3, plain: 1 }), []);
    assert.deepEqual(messages({ replicas: 2, plain: 0 }, { replicas: 3, plain: 1 }), [
      "replicas: Invalid value: \"integer\": replicas may not decrease",
      "plain: Invalid value: \"integer\": plain may not decrease",
    ]);
    assert.deepEqual(messages({ replicas: 1, first: "x" }, {}), ["first: Invalid value: \"string\": first must have been set on create"]);
    assert.deepEqual(messages({ first: "y" }, { first: "x" }), []);
  });
});
