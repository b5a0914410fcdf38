# Finds the Debian packages toponym builds on. A missing one stops configuration with the name of
# the package that provides it.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config'")
endif()

function(tp_require_pkg var module debian_pkg)
  pkg_check_modules(${var} QUIET IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} not found: install the Debian package '${debian_pkg}' (apt-get install ${debian_pkg})")
  endif()
endfunction()

tp_require_pkg(ICU_UC icu-uc libicu-dev)
tp_require_pkg(ICU_I18N icu-i18n libicu-dev)
tp_require_pkg(LIBXML2 libxml-2.0 libxml2-dev)
tp_require_pkg(SQLITE3 sqlite3 libsqlite3-dev)
if(TP_READLINE)
  tp_require_pkg(READLINE readline libreadline-dev)
endif()

# MeCab ships no pkg-config file: look for its header and library directly.
find_path(MECAB_INCLUDE_DIR mecab.h)
find_library(MECAB_LIBRARY mecab)
if(NOT MECAB_INCLUDE_DIR OR NOT MECAB_LIBRARY)
  message(FATAL_ERROR "MeCab not found: install the Debian packages 'libmecab-dev' and 'mecab-ipadic-utf8'")
endif()
add_library(tp_mecab INTERFACE)
target_include_directories(tp_mecab INTERFACE ${MECAB_INCLUDE_DIR})
target_link_libraries(tp_mecab INTERFACE ${MECAB_LIBRARY})

# The interactive session builds the checker in a background thread.
find_package(Threads REQUIRED)
