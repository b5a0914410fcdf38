kurils-ru.md:4:29: warning: "Владимировкой" is superseded (historic, before 1905); use "Южно-Сахалинск" [superseded-term]
kurils-ru.md:4:58: warning: "Кунашр" is not in the glossary; did you mean "Кунашир"? [misspelling]
