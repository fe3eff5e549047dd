#!/usr/bin/env node
// Generates datasets/speech/ once: spoken digit strings (3–5 digits) in English and Mandarin, synthesized by
// eSpeak NG 1.51 (`espeak-ng`, GPL-3; needed only here, never by attnlab at run time) in 10 voice variants ×
// 2 languages at seeded rates and pitches, with seeded white noise, turned into quantized log-mel features.
//
//   node scripts/datasets/speech.mjs           # writes datasets/speech/{features.bin, index.json}
//   node scripts/datasets/speech.mjs --check   # writes nothing; exits 1 when a committed file differs
//
// Features (README.md states the same): 22,050 Hz mono 16-bit from espeak-ng -w; leading and trailing
// silence cut (first/last sample with |x| ≥ 1 % of the peak, 50 ms kept either side); white Gaussian noise
// at a seeded SNR; pre-emphasis 0.97; frames of 512 samples (23.2 ms, Hann window), hop 441 samples (20 ms);
// 512-point FFT power spectrum; 20 triangular HTK-mel filters 80–7,600 Hz; 10·log10(energy + 1e-10) dB;
// stored as uint8 q = clamp(round(2·(dB + 100)), 0, 255), i.e. dB = q/2 − 100 (0.5 dB per step).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..", "..");
const outDir = join(root, "datasets", "speech");
const check = process.argv.includes("--check");

export const SEED = 20;
export const SAMPLE_RATE = 22050;
export const FRAME = 512;
export const HOP = 441;
export const MEL_BINS = 20;
export const F_MIN = 80;
export const F_MAX = 7600;
/** Voice variants: the first 8 are the training voices, the last 2 are held out (test only). */
export const TRAIN_VARIANTS = ["", "m1", "m2", "m4", "m5", "m7", "f1", "f4"];
export const TEST_VARIANTS = ["m3", "f2"];
export const LANGUAGES = { en: "en-us", cmn: "cmn" };
const PER_TRAIN_VOICE = 110; // per variant and language
const PER_TEST_VOICE = 100;
const HANZI = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/** mulberry32, the kit's PRNG (lib/random/prng.ts), in plain JS. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every utterance's recipe, in a fixed seeded order: voice, digits, rate, pitch, SNR, noise seed. */
export function recipes() {
  const rng = mulberry32(SEED);
  const int = (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
  const list = [];
  for (const [split, variants, count] of [
    ["train", TRAIN_VARIANTS, PER_TRAIN_VOICE],
    ["test", TEST_VARIANTS, PER_TEST_VOICE],
  ]) {
    for (const lang of Object.keys(LANGUAGES)) {
      for (const variant of variants) {
        for (let i = 0; i < count; i++) {
          const n = int(3, 5);
          const digits = Array.from({ length: n }, () => String(int(0, 9))).join("");
          list.push({
            split,
            lang,
            voice: LANGUAGES[lang] + (variant === "" ? "" : `+${variant}`),
            digits,
            rate: int(140, 200),
            pitch: int(30, 70),
            snr: int(15, 30),
            noiseSeed: int(0, 2 ** 31 - 1),
          });
        }
      }
    }
  }
  return list;
}

/** The text espeak-ng reads: "3 1 4" (English) or "三一四" (Mandarin). */
export function spokenText(lang, digits) {
  return lang === "en"
    ? digits.split("").join(" ")
    : digits
        .split("")
        .map((d) => HANZI[Number(d)])
        .join("");
}

/** The espeak-ng arguments of a recipe (writes the WAV to stdout). */
export function espeakArgs(r) {
  return [
    "-v",
    r.voice,
    "-s",
    String(r.rate),
    "-p",
    String(r.pitch),
    "--stdout",
    spokenText(r.lang, r.digits),
  ];
}

function synthesize(r) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("espeak-ng", espeakArgs(r));
    const chunks = [];
    child.stdout.on("data", (c) => chunks.push(c));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolvePromise(Buffer.concat(chunks)) : reject(new Error(`espeak-ng exited ${code}`)),
    );
  });
}

/** 16-bit PCM samples of a WAV (the "data" chunk), as floats in [−1, 1]. */
function wavSamples(buf) {
  let p = 12;
  while (p + 8 <= buf.length) {
    const id = buf.toString("ascii", p, p + 4);
    let size = buf.readUInt32LE(p + 4);
    if (id === "data") {
      // espeak-ng --stdout cannot seek back, so its data size may be 0xFFFFFFFF: read to the end
      if (size === 0 || p + 8 + size > buf.length) size = buf.length - p - 8;
      const n = Math.floor(size / 2);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(p + 8 + 2 * i) / 32768;
      return out;
    }
    p += 8 + size;
  }
  throw new Error("speech: no data chunk in the WAV");
}

/** The samples between the first and last with |x| ≥ 1 % of the peak, 50 ms kept either side. */
function trim(x) {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const thr = 0.01 * peak;
  let a = 0;
  while (a < x.length && Math.abs(x[a]) < thr) a++;
  let b = x.length - 1;
  while (b > a && Math.abs(x[b]) < thr) b--;
  const pad = Math.round(0.05 * SAMPLE_RATE);
  return x.slice(Math.max(0, a - pad), Math.min(x.length, b + pad + 1));
}

/** Adds white Gaussian noise at `snr` dB (relative to the signal's mean power), seeded. */
function addNoise(x, snr, seed) {
  const rng = mulberry32(seed);
  let power = 0;
  for (const v of x) power += v * v;
  power /= x.length;
  const sigma = Math.sqrt(power / 10 ** (snr / 10));
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i += 2) {
    const u = Math.max(rng(), 1e-12);
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = x[i] + sigma * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < x.length) out[i + 1] = x[i + 1] + sigma * r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** In-place radix-2 FFT of (re, im), length a power of two. */
function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const ar = re[i + k + len / 2];
        const ai = im[i + k + len / 2];
        const tr = ar * wr - ai * wi;
        const ti = ar * wi + ai * wr;
        re[i + k + len / 2] = re[i + k] - tr;
        im[i + k + len / 2] = im[i + k] - ti;
        re[i + k] += tr;
        im[i + k] += ti;
      }
    }
  }
}

const mel = (f) => 2595 * Math.log10(1 + f / 700);
const hz = (m) => 700 * (10 ** (m / 2595) - 1);

/** The HTK-mel triangular filters `[MEL_BINS][FRAME/2 + 1]`. */
function melFilters() {
  const bins = FRAME / 2 + 1;
  const edges = Array.from({ length: MEL_BINS + 2 }, (_, i) =>
    hz(mel(F_MIN) + ((mel(F_MAX) - mel(F_MIN)) * i) / (MEL_BINS + 1)),
  );
  return Array.from({ length: MEL_BINS }, (_, m) => {
    const [lo, mid, hi] = [edges[m], edges[m + 1], edges[m + 2]];
    return Float64Array.from({ length: bins }, (_, k) => {
      const f = (k * SAMPLE_RATE) / FRAME;
      if (f <= lo || f >= hi) return 0;
      return f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
    });
  });
}

const FILTERS = melFilters();
const HANN = Float64Array.from({ length: FRAME }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FRAME));

/** Quantized log-mel frames `[frames · MEL_BINS]` uint8 of the samples `x`. */
export function logMel(x) {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] - (i > 0 ? 0.97 * x[i - 1] : 0);
  const frames = 1 + Math.max(0, Math.floor((y.length - FRAME) / HOP));
  const out = new Uint8Array(frames * MEL_BINS);
  const re = new Float64Array(FRAME);
  const im = new Float64Array(FRAME);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < FRAME; i++) {
      re[i] = (y[t * HOP + i] ?? 0) * HANN[i];
      im[i] = 0;
    }
    fft(re, im);
    for (let m = 0; m < MEL_BINS; m++) {
      let e = 0;
      const w = FILTERS[m];
      for (let k = 0; k <= FRAME / 2; k++) if (w[k] > 0) e += w[k] * (re[k] * re[k] + im[k] * im[k]);
      const db = 10 * Math.log10(e + 1e-10);
      out[t * MEL_BINS + m] = Math.min(255, Math.max(0, Math.round(2 * (db + 100))));
    }
  }
  return out;
}

async function main() {
  const list = recipes();
  const feats = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      const r = list[i];
      const x = addNoise(trim(wavSamples(await synthesize(r))), r.snr, r.noiseSeed);
      feats[i] = logMel(x);
    }
  };
  await Promise.all([worker(), worker()]);
  const bin = Buffer.concat(feats.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
  const utterances = list.map((r, i) => ({
    split: r.split,
    lang: r.lang,
    voice: r.voice,
    digits: r.digits,
    rate: r.rate,
    pitch: r.pitch,
    snr: r.snr,
    frames: feats[i].length / MEL_BINS,
  }));
  const index = {
    generator: "scripts/datasets/speech.mjs",
    espeak: "eSpeak NG 1.51 (Debian espeak-ng)",
    sampleRate: SAMPLE_RATE,
    frame: FRAME,
    hop: HOP,
    melBins: MEL_BINS,
    fMin: F_MIN,
    fMax: F_MAX,
    quantization: "dB = q / 2 - 100",
    features: "features.bin",
    utterances,
  };
  const json = `${JSON.stringify(index)}\n`;
  const sha = (b) => createHash("sha256").update(b).digest("hex");
  const files = { "features.bin": bin, "index.json": Buffer.from(json) };
  let frames = 0;
  for (const u of utterances) frames += u.frames;
  console.log(
    `speech: ${utterances.length} utterances, ${frames} frames (max ${Math.max(...utterances.map((u) => u.frames))}), ` +
      `${bin.length} + ${json.length} bytes`,
  );
  let differs = false;
  for (const [name, bytes] of Object.entries(files)) {
    console.log(`sha256 ${name}: ${sha(bytes)}`);
    if (check) {
      let old = null;
      try {
        old = readFileSync(join(outDir, name));
      } catch {}
      if (old === null || !old.equals(bytes)) {
        console.error(`speech: ${name} differs from the committed file`);
        differs = true;
      }
    }
  }
  if (check) process.exit(differs ? 1 : 0);
  mkdirSync(outDir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(outDir, name), bytes);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) await main();
