// Deflate in and out of the page: heatmaps come deflated (zlib's format, session.js) and
// shared links carry the state deflated (raw, share.js). Browsers do both natively with
// CompressionStream / DecompressionStream (Chrome 80, Firefox 113, Safari 16.4); older ones
// (a school's old tablets) get the small inflater below, and for links they make, stored
// (uncompressed) deflate blocks: longer links that every browser reads.

// `data` (bytes) through a native CompressionStream or DecompressionStream.
async function through(stream, data) {
  const piped = new Blob([data]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

// `bytes` inflated; `format` is "deflate" (zlib) or "deflate-raw", as the streams name them.
export function decompress(bytes, format = "deflate") {
  if (typeof DecompressionStream === "function") {
    return through(new DecompressionStream(format), bytes);
  }
  return Promise.resolve(format === "deflate" ? unzlib(bytes) : inflate(bytes));
}

export function compress(bytes, format = "deflate-raw") {
  if (typeof CompressionStream === "function") {
    return through(new CompressionStream(format), bytes);
  }
  if (format !== "deflate-raw") throw new Error(`no fallback to make ${format}`);
  return Promise.resolve(stored(bytes));
}

// --- deflate's stored blocks (RFC 1951, 3.2.4): a valid stream without compression --------

export function stored(bytes) {
  const blocks = Math.max(1, Math.ceil(bytes.length / 65535));
  const out = new Uint8Array(bytes.length + blocks * 5);
  let at = 0;
  for (let b = 0; b < blocks; b++) {
    const chunk = bytes.subarray(b * 65535, (b + 1) * 65535);
    out[at] = b === blocks - 1 ? 1 : 0; // BFINAL on the last; BTYPE 00; the rest is padding
    out[at + 1] = chunk.length & 255;
    out[at + 2] = chunk.length >> 8;
    out[at + 3] = ~chunk.length & 255;
    out[at + 4] = (~chunk.length >> 8) & 255;
    out.set(chunk, at + 5);
    at += 5 + chunk.length;
  }
  return out;
}

// --- inflate (RFC 1951), written for clarity over speed: a 100 x 100 map takes ~1 ms ---------

// Base values and extra bits of the length codes 257..285 and the distance codes 0..29.
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
  67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
  5, 5, 5, 5, 0];
const DISTANCE_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513,
  769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
  11, 11, 12, 12, 13, 13];
// The order in which a dynamic block lists the code lengths of its code-length alphabet.
const LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

// A canonical Huffman code from each symbol's code length: how many codes of each length,
// and the symbols in code order.
function huffman(lengths) {
  const counts = new Uint16Array(16);
  for (const length of lengths) counts[length] += 1;
  counts[0] = 0;
  const next = new Uint16Array(16);
  for (let length = 1; length < 15; length++) next[length + 1] = next[length] + counts[length];
  const symbols = new Uint16Array(lengths.length);
  lengths.forEach((length, symbol) => { if (length) symbols[next[length]++] = symbol; });
  return { counts, symbols };
}

const FIXED_LITERALS = huffman(Array.from({ length: 288 }, (_, s) =>
  (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8)));
const FIXED_DISTANCES = huffman(new Array(30).fill(5));

class BitReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0; // next byte
    this.held = 0; // bits not used yet, lowest first
    this.count = 0;
  }

  bits(n) { // n bits, the first read is the lowest
    while (this.count < n) {
      if (this.at >= this.bytes.length) throw new Error("deflate data ends too soon");
      this.held |= this.bytes[this.at++] << this.count;
      this.count += 8;
    }
    const value = this.held & ((1 << n) - 1);
    this.held >>>= n;
    this.count -= n;
    return value;
  }

  decode({ counts, symbols }) { // one symbol, its code read bit by bit (codes are MSB first)
    let code = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length < 16; length++) {
      code |= this.bits(1);
      const count = counts[length];
      if (code - first < count) return symbols[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Error("bad deflate code");
  }

  byteAligned() {
    this.held = 0;
    this.count = 0;
  }
}

class Output {
  constructor(size) {
    this.bytes = new Uint8Array(Math.max(size, 1024));
    this.length = 0;
  }

  push(byte) {
    if (this.length === this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.bytes[this.length++] = byte;
  }

  result() {
    return this.bytes.slice(0, this.length);
  }
}

function dynamicCodes(input) {
  const literals = input.bits(5) + 257;
  const distances = input.bits(5) + 1;
  const lengthCodes = input.bits(4) + 4;
  const codeLengths = new Array(19).fill(0);
  for (let i = 0; i < lengthCodes; i++) codeLengths[LENGTH_ORDER[i]] = input.bits(3);
  const lengthCode = huffman(codeLengths);
  const lengths = [];
  while (lengths.length < literals + distances) {
    const symbol = input.decode(lengthCode);
    if (symbol < 16) lengths.push(symbol);
    else if (symbol === 16) {
      if (!lengths.length) throw new Error("bad deflate lengths");
      const previous = lengths[lengths.length - 1];
      for (let n = 3 + input.bits(2); n > 0; n--) lengths.push(previous);
    } else {
      for (let n = symbol === 17 ? 3 + input.bits(3) : 11 + input.bits(7); n > 0; n--) {
        lengths.push(0);
      }
    }
  }
  return [huffman(lengths.slice(0, literals)), huffman(lengths.slice(literals))];
}

// Raw deflate (RFC 1951) -> bytes.
export function inflate(bytes) {
  const input = new BitReader(bytes);
  const out = new Output(bytes.length * 4);
  let last = 0;
  while (!last) {
    last = input.bits(1);
    const type = input.bits(2);
    if (type === 0) {
      input.byteAligned();
      const at = input.at;
      const length = bytes[at] | (bytes[at + 1] << 8);
      if (at + 4 + length > bytes.length) throw new Error("deflate data ends too soon");
      for (let i = 0; i < length; i++) out.push(bytes[at + 4 + i]);
      input.at = at + 4 + length;
      continue;
    }
    if (type === 3) throw new Error("bad deflate block");
    const [literals, distances] =
      type === 1 ? [FIXED_LITERALS, FIXED_DISTANCES] : dynamicCodes(input);
    for (;;) {
      const symbol = input.decode(literals);
      if (symbol < 256) out.push(symbol);
      else if (symbol === 256) break;
      else {
        const code = symbol - 257;
        const length = LENGTH_BASE[code] + input.bits(LENGTH_EXTRA[code]);
        const d = input.decode(distances);
        const distance = DISTANCE_BASE[d] + input.bits(DISTANCE_EXTRA[d]);
        if (distance > out.length) throw new Error("bad deflate distance");
        for (let i = 0; i < length; i++) out.push(out.bytes[out.length - distance]);
      }
    }
  }
  return out.result();
}

// zlib (RFC 1950): a two-byte header, raw deflate, and the Adler-32 of the result.
export function unzlib(bytes) {
  if ((bytes[0] & 15) !== 8 || ((bytes[0] << 8) | bytes[1]) % 31 || bytes[1] & 32) {
    throw new Error("not zlib data");
  }
  const out = inflate(bytes.subarray(2));
  let a = 1;
  let b = 0;
  for (const byte of out) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const n = bytes.length;
  const expected = ((bytes[n - 4] << 24) | (bytes[n - 3] << 16) | (bytes[n - 2] << 8) | bytes[n - 1]) >>> 0;
  if (((b << 16) | a) >>> 0 !== expected) throw new Error("zlib checksum does not match");
  return out;
}
