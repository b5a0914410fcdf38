# A thin wrapper over CMake (as neovim's): `make run` and `make test` are the quick start.
# As root, missing Debian packages are installed first.

BUILD_DIR ?= build
CMAKE_FLAGS ?=
CTEST_FLAGS ?=
DEB_PACKAGES := cmake gcc g++ make pkg-config libicu-dev libxml2-dev libxml2-utils libsqlite3-dev \
                libreadline-dev libmecab-dev mecab-ipadic-utf8

.PHONY: all deps configure build run test install clean

all: build

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	  grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:" $$missing; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing Debian packages:" $$missing; \
	    echo "Install them with: sudo apt-get install" $$missing; exit 2; \
	  fi; \
	fi

configure: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j2

run: build
	$(BUILD_DIR)/src/toponym

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure $(CTEST_FLAGS)

install: build
	cmake --install $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
