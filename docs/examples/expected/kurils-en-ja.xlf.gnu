kurils-en-ja.xlf:12:17: warning: "樺太" translates "Sakhalin" (line 11) with a superseded term; use "サハリン" [key-term-deprecated]
kurils-en-ja.xlf:15:42: warning: the target lacks "択捉島", the glossary's Japanese term for "Iturup" [key-term-missing]
kurils-en-ja.xlf:29:21: warning: "Kurile Islands" is superseded; use "Kuril Islands" [superseded-term]
