kurils-en-ru.xlf:8:44: warning: the target lacks "Кунашир", the glossary's Russian term for "Kunashir" [key-term-missing]
kurils-en-ru.xlf:19:17: warning: "Владимировка" translates "Yuzhno-Sakhalinsk" (line 18) with a superseded term; use "Южно-Сахалинск" [key-term-deprecated]
