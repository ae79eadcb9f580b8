#!/usr/bin/env python3
"""Prints the strongest frequency (Hz) and the level (dBFS) of a mono 16-bit WAV file, over
the loudest quarter second, or over FROM..TO seconds when given.

usage: wav_freq.py FILE [FROM_S TO_S]
       wav_freq.py FILE --level HZ   the highest level (dBFS) of a HZ component in any 40 ms
                                     (a tone mixed under louder sound, e.g. call waiting)
       wav_freq.py FILE --gap HZ     the longest stretch (ms, in 10 ms steps) in which a HZ tone
                                     is below -40 dBFS, and the length of the file (ms)
Plain Python (no numpy): a DFT at 10 Hz steps up to half the sample rate."""
import math
import struct
import sys


def read_wav(path):
    """(rate, sample width, channels, PCM bytes). A file still being written (sizes in its
    header not filled in yet, as baresip's recorder leaves them during a call) is read up to
    its current end."""
    data = open(path, "rb").read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        sys.exit("%s: not a WAV file" % path)
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"fmt ":
            _, ch, rate, _, _, bits = struct.unpack("<HHIIHH", data[pos + 8:pos + 24])
            fmt = (rate, bits // 8, ch)
        if cid == b"data":
            if fmt is None:
                sys.exit("%s: data before fmt" % path)
            pcm = data[pos + 8:] if size == 0 or pos + 8 + size > len(data) else data[pos + 8:pos + 8 + size]
            return fmt + (pcm[:len(pcm) // 2 * 2],)
        pos += 8 + size + (size & 1)
    sys.exit("%s: no data chunk" % path)


def main():
    rate, width, ch, raw = read_wav(sys.argv[1])
    if width != 2:
        sys.exit("not 16-bit")
    samples = struct.unpack("<%dh" % (len(raw) // 2), raw)[::ch]
    if len(sys.argv) > 3 and sys.argv[2] == "--gap":
        hz, n = float(sys.argv[3]), rate // 100
        w_ = 2 * math.pi * hz / rate
        cos_t = [math.cos(w_ * i) for i in range(n)]
        sin_t = [math.sin(w_ * i) for i in range(n)]
        longest = run = 0
        for start in range(0, len(samples) - n + 1, n):
            seg = samples[start:start + n]
            re = sum(x * c for x, c in zip(seg, cos_t))
            im = sum(x * s_ for x, s_ in zip(seg, sin_t))
            level = 20 * math.log10(max(2 * math.sqrt(re * re + im * im) / n, 1e-9) / 32768)
            run = run + 10 if level < -40 else 0
            longest = max(longest, run)
        print("%d %d" % (longest, len(samples) * 1000 // rate))
        return
    if len(sys.argv) > 3 and sys.argv[2] == "--level":
        hz, n = float(sys.argv[3]), rate // 25
        w_ = 2 * math.pi * hz / rate
        cos_t = [math.cos(w_ * i) for i in range(n)]
        sin_t = [math.sin(w_ * i) for i in range(n)]
        best = 1e-9
        for start in range(0, len(samples) - n + 1, n):
            seg = samples[start:start + n]
            re = sum(x * c for x, c in zip(seg, cos_t))
            im = sum(x * s_ for x, s_ in zip(seg, sin_t))
            best = max(best, 2 * math.sqrt(re * re + im * im) / n)
        print("%.1f" % (20 * math.log10(best / 32768)))
        return
    if len(sys.argv) > 3:
        samples = samples[int(float(sys.argv[2]) * rate):int(float(sys.argv[3]) * rate)]
    win = rate // 4
    if len(samples) < win:
        print("0 -120")
        return
    # the loudest quarter second
    best, best_e = 0, -1.0
    for start in range(0, len(samples) - win + 1, win // 2):
        e = sum(x * x for x in samples[start:start + win:4])
        if e > best_e:
            best, best_e = start, e
    seg = samples[best:best + win]
    rms = math.sqrt(sum(x * x for x in seg) / len(seg)) or 1e-9
    level = 20 * math.log10(rms / 32768)
    top_f, top_m = 0, -1.0
    for f in range(100, rate // 2, 10):
        w_ = 2 * math.pi * f / rate
        re = im = 0.0
        for i in range(len(seg)):
            re += seg[i] * math.cos(w_ * i)
            im += seg[i] * math.sin(w_ * i)
        m = re * re + im * im
        if m > top_m:
            top_f, top_m = f, m
    print("%d %.1f" % (top_f, level))


if __name__ == "__main__":
    main()
