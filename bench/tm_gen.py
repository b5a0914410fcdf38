#!/usr/bin/python3
"""Writes an EN/JA/RU memory of N distinct units of real text, and 200 queries against it, for
bench/tm.sh.

    tm_gen.py N MEMORY.tmx QUERIES

The sentences are the msgids of this machine's gettext catalogues that are translated into both
Japanese and Russian in one domain (every directory in CATALOGUES). A memory of more units than
there are such sentences takes every sentence once and fills the rest with distinct pairs of two
sentences, joined as a translator would join them in each language: every unit is distinct, and a
query made from a unit still has one closest unit, the one it was made from (a pair differs from
any other unit by a whole sentence at least).

A query is a stored English segment with one word dropped (never the one that ends the first
sentence of a pair), or, when it has three words or fewer, its last two letters swapped;
QUERIES holds "original TAB query" lines. Prints what it used on
stderr. Deterministic for one set of installed catalogues."""
import gettext
import glob
import os
import random
import sys
from xml.sax.saxutils import escape

# Where Debian packages put catalogues: the usual place, LibreOffice's (libreoffice-l10n-ja,
# -ru) and Wesnoth's (wesnoth-1.16-data and the campaign packages).
CATALOGUES = ['/usr/share/locale/%s/LC_MESSAGES',
              '/usr/lib/libreoffice/program/resource/%s/LC_MESSAGES',
              '/usr/share/games/wesnoth/*/locale/%s/LC_MESSAGES']
QUERIES = 200


def catalogue(path):
    try:
        with open(path, 'rb') as f:
            return gettext.GNUTranslations(f)._catalog
    except Exception:
        return {}


def clean(s):
    """A message fit for a segment: no control characters, no gettext context."""
    return isinstance(s, str) and s and not any(ord(c) < 32 for c in s)


def sentences():
    found = {}
    for pattern in CATALOGUES:
        for ja in sorted(glob.glob(pattern % 'ja' + '/*.mo')):
            ru = ja.replace('/ja/', '/ru/')
            if not os.path.exists(ru):
                continue
            cj, cr = catalogue(ja), catalogue(ru)
            for key, j in cj.items():
                r = cr.get(key)
                if not (isinstance(key, str) and isinstance(j, str) and isinstance(r, str)):
                    continue
                en = key.split('\x04')[-1].strip()   # msgctxt EOT msgid
                j, r = j.strip(), r.strip()
                if clean(en) and clean(j) and clean(r) and 12 <= len(en) <= 200:
                    found.setdefault(en, (j, r))
    return sorted((en, j, r) for en, (j, r) in found.items())


def join_ja(a, b):
    return a + b if a.endswith(('。', '！', '？', '」', '：', ':', '…')) else a + '。' + b


def join_latin(a, b):
    return a + ' ' + b if a.endswith(('.', '!', '?', ':', ';', '…')) else a + '. ' + b


def main():
    n, tmx, queries = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    pool = sentences()
    rnd = random.Random(7)
    # A unit: English, Japanese, Russian, and for a pair the place of the English word that
    # ends its first sentence (a query keeps it, or the pair would lose its seam).
    units = [pool[i] + (None,) for i in sorted(rnd.sample(range(len(pool)), min(n, len(pool))))]
    seen = {u[0] for u in units}
    while len(units) < n:
        a, b = rnd.sample(pool, 2)
        en = join_latin(a[0], b[0])
        if en in seen:
            continue
        seen.add(en)
        units.append((en, join_ja(a[1], b[1]), join_latin(a[2], b[2]), len(a[0].split()) - 1))
    with open(tmx, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                'creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="bench" '
                'adminlang="en" srclang="en" datatype="plaintext"/>\n<body>\n')
        for en, ja, ru, _ in units:
            f.write(f'<tu><tuv xml:lang="en"><seg>{escape(en)}</seg></tuv><tuv xml:lang="ja">'
                    f'<seg>{escape(ja)}</seg></tuv><tuv xml:lang="ru"><seg>{escape(ru)}</seg>'
                    f'</tuv></tu>\n')
        f.write('</body></tmx>\n')
    with open(queries, 'w', encoding='utf-8') as q:
        for en, _, _, seam in rnd.sample(units, min(QUERIES, len(units))):
            w = en.split()
            if len(w) > 3:
                del w[rnd.choice([i for i in range(1, len(w)) if i != seam])]
                s = ' '.join(w)
            else:
                s = en[:-2] + en[-1] + en[-2]
            q.write(f'{en}\t{s}\n')
    pairs = max(0, n - len(pool))
    print(f'{len(pool)} distinct EN/JA/RU sentences; {n - pairs} units of one sentence, '
          f'{pairs} of two', file=sys.stderr)


if __name__ == '__main__':
    main()
