#!/usr/bin/env python3
"""Speaks the answering machine's prompts with espeak-ng at build time (docs/VOICEMAIL.md).

Reads prompts/<lang>/prompts.txt (`@voice`, `@speed` and one `NAME text` a line) and writes
OUT/NAME.wav for each: espeak-ng's 22050 Hz speech with the silence around it trimmed,
resampled to 8000 Hz through a windowed-sinc low-pass, brought to about -16 dBFS RMS (peaks
bent by a soft limiter to under -1 dBFS) and stored as G.711 mu-law (WAV format 7) or 16-bit PCM. Python 3 only,
no numpy: the build host needs nothing but espeak-ng.
"""

import argparse
import array
import math
import os
import struct
import subprocess
import sys
import tempfile
import wave

IN_RATE = 22050
OUT_RATE = 8000
CUTOFF_HZ = 3700.0    # -0.7 dB at 3.4 kHz, -45 dB at 4.2 kHz (what folds back to 3.8 kHz)
HALF_TAPS = 48        # input samples each side of the output instant
TARGET_DBFS = -16.0   # RMS of the speech (frames within 30 dB of the loudest)
PEAK_MAX = 0.89       # -1 dBFS
KNEE = 0.5            # -6 dBFS: the soft limiter starts here
PAD_MS = 40           # silence kept before and after the speech


def parse_prompts(path):
    """Returns (voice, speed, [(name, text)])."""
    voice, speed, prompts = None, 150, []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, rest = line.partition(" ")
            rest = rest.strip()
            if key == "@voice":
                voice = rest
            elif key == "@speed":
                speed = int(rest)
            elif key.startswith("@") or not rest:
                sys.exit(f"{path}:{number}: want '@voice V', '@speed N' or 'NAME text'")
            else:
                prompts.append((key, rest))
    if voice is None:
        sys.exit(f"{path}: no @voice line")
    return voice, speed, prompts


def speak(espeak, voice, speed, text):
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run([espeak, "-v", voice, "-s", str(speed), "-w", tmp.name, text],
                       check=True, stdout=subprocess.DEVNULL)
        with wave.open(tmp.name, "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != IN_RATE:
                sys.exit(f"espeak-ng wrote {w.getparams()}, want 16-bit mono {IN_RATE} Hz")
            samples = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return [s / 32768.0 for s in samples]


def trim(x, rate):
    """Cuts the silence espeak-ng puts before and after the speech, keeping PAD_MS."""
    frame = rate // 100
    peak = max((abs(s) for s in x), default=0.0)
    threshold = peak * 0.02  # -34 dB below the peak
    loud = [i for i in range(0, len(x), frame) if max(abs(s) for s in x[i:i + frame]) > threshold]
    if not loud:
        return x
    pad = rate * PAD_MS // 1000
    return x[max(0, loud[0] - pad):min(len(x), loud[-1] + frame + pad)]


def kernels():
    """One low-pass kernel per phase of the output instant between input samples: the ratio
    22050/8000 = 441/160 repeats every 160 outputs."""
    fc = CUTOFF_HZ / IN_RATE  # cycles per input sample
    table = []
    for phase in range(160):
        frac = (phase * 441 % 160) / 160.0
        taps = []
        for k in range(-HALF_TAPS + 1, HALF_TAPS + 1):
            t = k - frac  # distance of input sample (base + k) from the output instant
            sinc = 2 * fc if t == 0 else math.sin(2 * math.pi * fc * t) / (math.pi * t)
            # Blackman window over the kernel's span.
            w = 0.42 + 0.5 * math.cos(math.pi * t / HALF_TAPS) + 0.08 * math.cos(
                2 * math.pi * t / HALF_TAPS)
            taps.append(sinc * max(w, 0.0))
        gain = sum(taps)
        table.append([v / gain for v in taps])
    return table


KERNELS = None


def resample(x):
    global KERNELS
    if KERNELS is None:
        KERNELS = kernels()
    padded = [0.0] * HALF_TAPS + x + [0.0] * (HALF_TAPS + 1)
    n_out = len(x) * OUT_RATE // IN_RATE
    out = []
    for n in range(n_out):
        base = n * 441 // 160  # input sample at or before the output instant
        k = KERNELS[n % 160]
        start = base + 1  # padded index of input (base - HALF_TAPS + 1)
        out.append(sum(map(float.__mul__, k, padded[start:start + 2 * HALF_TAPS])))
    return out


def normalise(y, rate):
    frame = rate // 50
    energies = [sum(s * s for s in y[i:i + frame]) / frame for i in range(0, len(y) - frame + 1,
                                                                            frame)]
    if not energies or max(energies) == 0:
        return y
    floor = max(energies) / 1000.0  # frames within 30 dB of the loudest are speech
    speech = [e for e in energies if e > floor]
    rms = math.sqrt(sum(speech) / len(speech))
    gain = 10 ** (TARGET_DBFS / 20) / rms
    peak = max(abs(s) for s in y)
    # Peaks (espeak-ng's plosives) may be squeezed by up to 6 dB; beyond that the level gives.
    gain = min(gain, 2 * PEAK_MAX / peak)
    return [soft_limit(s * gain) for s in y]


def soft_limit(s):
    """Leaves samples under KNEE alone and bends larger ones smoothly to under PEAK_MAX."""
    m = abs(s)
    if m <= KNEE:
        return s
    m = KNEE + (PEAK_MAX - KNEE) * math.tanh((m - KNEE) / (PEAK_MAX - KNEE))
    return m if s > 0 else -m


def ulaw(sample):
    """G.711 mu-law of a 16-bit sample (ITU-T G.711, as spandsp's linear_to_ulaw)."""
    bias = 0x84
    if sample < 0:
        sample = -sample
        mask = 0x7F
    else:
        mask = 0xFF
    sample = min(sample + bias, 0x7FFF)
    seg = sample.bit_length() - 8  # 0..7
    return ((seg << 4) | ((sample >> (seg + 3)) & 0x0F)) ^ mask


def write_wav(path, y, fmt):
    pcm = [max(-32768, min(32767, int(round(s * 32768)))) for s in y]
    if fmt == "ulaw":
        data = bytes(ulaw(s) for s in pcm)
        # WAVE_FORMAT_MULAW: an 18-byte fmt (cbSize 0) and the fact chunk non-PCM formats carry.
        fmt_chunk = struct.pack("<HHIIHHH", 7, 1, OUT_RATE, OUT_RATE, 1, 8, 0)
        chunks = (b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk +
                  b"fact" + struct.pack("<II", 4, len(data)))
    else:
        data = struct.pack(f"<{len(pcm)}h", *pcm)
        fmt_chunk = struct.pack("<HHIIHH", 1, 1, OUT_RATE, OUT_RATE * 2, 2, 16)
        chunks = b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk
    body = b"WAVE" + chunks + b"data" + struct.pack("<I", len(data)) + data
    if len(data) % 2:
        body += b"\0"
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--espeak", default="espeak-ng")
    ap.add_argument("--format", choices=("ulaw", "pcm16"), default="ulaw")
    ap.add_argument("--stamp", help="file to touch when every prompt is written")
    ap.add_argument("prompts_txt")
    ap.add_argument("out_dir")
    args = ap.parse_args()

    voice, speed, prompts = parse_prompts(args.prompts_txt)
    os.makedirs(args.out_dir, exist_ok=True)
    total_bytes = total_ms = 0
    for name, text in prompts:
        y = normalise(resample(trim(speak(args.espeak, voice, speed, text), IN_RATE)), OUT_RATE)
        path = os.path.join(args.out_dir, name + ".wav")
        write_wav(path, y, args.format)
        total_bytes += os.path.getsize(path)
        total_ms += len(y) * 1000 // OUT_RATE
    print(f"prompts: {args.out_dir}: {len(prompts)} prompts, {total_ms / 1000:.1f} s, "
          f"{total_bytes} bytes ({args.format})")
    if args.stamp:
        with open(args.stamp, "w", encoding="utf-8") as f:
            f.write(f"{len(prompts)} {total_ms} {total_bytes}\n")


if __name__ == "__main__":
    main()
