kurils-ja.html:5:27: warning: "樺太" is superseded (historic, 1905–1945); use "サハリン" [superseded-term]
kurils-ja.html:5:30: warning: "豊原" is superseded (historic, 1905–1945); use "ユジノサハリンスク" [superseded-term]
kurils-ja.html:6:4: warning: "南クリル" is Russian usage only; name the other side's "北方領土" with it [unpaired-usage]
kurils-ja.html:7:4: warning: "歯舞諸島" is superseded (GSI name until March 2008); use "歯舞群島" [superseded-term]
