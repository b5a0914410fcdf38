# toponym translit and toponym key through the CLI.
. "$(dirname "$0")/lib.sh"

check() { # scheme input expected
  run translit --scheme "$1" "$2"
  expect_rc 0
  CHECKS=$((CHECKS + 1))
  [ "$(cat "$SCRATCH/out")" = "$3" ] || fail "translit --scheme $1 $2: got '$(cat "$SCRATCH/out")', want '$3'"
}

check bgn-pcgn Южно-Курильск "Yuzhno-Kurilʹsk"
check iso9 Южно-Курильск "Ûžno-Kurilʹsk"
check icao Южно-Курильск "Iuzhno-Kurilsk"
check gost-b Южно-Курильск "Yuzhno-Kuril\`sk"
check bgn-pcgn Итуруп "Iturup"
check hepburn えとろふ "Etorofu"
check kunrei えとろふ "Etorohu"
check hepburn ほっかいどう "Hokkaidō"
check kunrei ほっかいどう "Hokkaidô"
check passport ほっかいどう "Hokkaido"
check nihon ちぢみ "Tidimi"
check hepburn-trad しんばし "Shimbashi"
check hepburn 北海道 "Hokkaidō"

run key Etorofu-tō
expect_rc 0
expect_out "$(printf 'fold\tetorofu to')"
expect_out "$(printf 'part\tto')"
run key --lang ru Кунашир
expect_rc 0
expect_out "$(printf 'ru\tkunashir')"
expect_no_out "ja"

done_testing
