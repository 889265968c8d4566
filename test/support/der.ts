// Rewriting DER for hostile test inputs: replaces INTEGERs anywhere in a structure (inside OCTET STRINGs that hold
// DER too, as PKCS#12 nests them) and re-encodes every enclosing length.
import * as asn1 from '../../src/core/asn1';

function tryParse(b: Buffer): asn1.Node | undefined {
  try {
    const n = asn1.parse(b);
    return n.tag & 0x20 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Re-encodes `der` with every INTEGER equal to `from` replaced by `to` (both non-negative). Returns how many were replaced. */
export function replaceIntegers(der: Buffer, from: number, to: number | Buffer): { der: Buffer; count: number } {
  let count = 0;
  const target = asn1.integer(from);
  const walk = (n: asn1.Node): Buffer => {
    if (n.tag === asn1.Tag.INTEGER && n.raw.equals(target)) {
      count++;
      return Buffer.isBuffer(to) ? asn1.tlv(asn1.Tag.INTEGER, to) : asn1.integer(to);
    }
    if (n.tag & 0x20) return asn1.tlv(n.tag, Buffer.concat(asn1.children(n).map(walk)));
    if (n.tag === asn1.Tag.OCTET_STRING) {
      const inner = tryParse(n.value);
      if (inner) return asn1.tlv(n.tag, walk(inner));
    }
    return n.raw;
  };
  return { der: walk(asn1.parse(der)), count };
}
