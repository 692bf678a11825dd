/**
 * Just enough DER (ITU-T X.690) to walk a CMS SignedData: definite-length
 * TLVs with low tag numbers. Callers navigate a fixed shape, so nothing here
 * recurses on input depth; every read is bounds-checked against its parent.
 */
export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export class DerError extends Error {
  override readonly name: string = 'DerError';
}

export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
  CONTEXT_0_PRIMITIVE: 0x80,
} as const;

/** Reads the TLV at `offset`, which must end by `limit`. */
export function readTlv(bytes: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated DER element');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used in CMS');
  let length = bytes[offset + 1]!;
  let contentStart = offset + 2;
  if (length === 0x80) throw new DerError('indefinite length (BER) is not DER');
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4 || contentStart + count > limit) throw new DerError('DER length out of range');
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + bytes[contentStart + k]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError('DER element runs past its container');
  return { tag, start: offset, contentStart, end };
}

/** The elements inside a constructed TLV (at most `max`). */
export function childrenOf(bytes: Uint8Array, parent: Tlv, max = 4096): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end;) {
    if (out.length >= max) throw new DerError('too many DER elements');
    const tlv = readTlv(bytes, at, parent.end);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`${what}: unexpected DER structure`);
  return tlv;
}

export function contentOf(bytes: Uint8Array, tlv: Tlv): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset + tlv.contentStart, tlv.end - tlv.contentStart);
}

export function wholeOf(bytes: Uint8Array, tlv: Tlv): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset + tlv.start, tlv.end - tlv.start);
}

/** Dotted OID text. */
export function oidText(bytes: Uint8Array, tlv: Tlv): string {
  const content = contentOf(bytes, expectTag(tlv, TAG.OID, 'object identifier'));
  if (content.length === 0 || content.length > 64) throw new DerError('object identifier length out of range');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc out of range');
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift();
  if (first === undefined) throw new DerError('empty object identifier');
  const top = first < 80 ? Math.floor(first / 40) : 2;
  return [top, first - top * 40, ...arcs].join('.');
}

/** An INTEGER as upper-case hex without leading zero bytes (the form X509Certificate.serialNumber uses). */
export function integerHex(bytes: Uint8Array, tlv: Tlv): string {
  const content = contentOf(bytes, expectTag(tlv, TAG.INTEGER, 'integer'));
  let k = 0;
  while (k < content.length - 1 && content[k] === 0) k++;
  return content.subarray(k).toString('hex').toUpperCase();
}

/** UTCTime / GeneralizedTime → ISO-8601, or undefined when malformed. */
export function timeText(bytes: Uint8Array, tlv: Tlv): string | undefined {
  const text = contentOf(bytes, tlv).toString('latin1');
  const match =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : tlv.tag === TAG.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!match) return undefined;
  let year = Number(match[1]);
  if (tlv.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const date = new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
