/* toponym — translation memory and glossary library for place names across Japanese, Russian
 * and English. This umbrella header includes every public module. */
#ifndef TOPONYM_H
#define TOPONYM_H

#include "toponym/error.h"
#include "toponym/norm.h"
#include "toponym/translit.h"
#include "toponym/concept.h"
#include "toponym/store.h"
#include "toponym/match.h"
#include "toponym/tbx.h"
#include "toponym/check.h"
#include "toponym/import.h"
#include "toponym/export.h"
#include "toponym/tm.h"
#include "toponym/tmx.h"

#endif
