kurils-ja.tmx:17:31: warning: the target lacks "Итуруп", the glossary's Russian term for "択捉島" [key-term-missing]
kurils-ja.tmx:23:44: warning: "Karafuto" translates "サハリン" (line 22) with a superseded term; use "Sakhalin" [key-term-deprecated]
kurils-ja.tmx:28:74: error: "East Sea" translates "日本海" (line 27) with a deprecated term; use "Sea of Japan" [key-term-deprecated]
