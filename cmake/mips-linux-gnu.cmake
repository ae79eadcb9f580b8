# Toolchain for big-endian 32-bit MIPS (Debian's g++-mips-linux-gnu), the Lantiq target.
# cross/mips.sh passes OWSIP_MIPS_SYSROOT: where the statically built dependencies live.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR mips)
set(CMAKE_C_COMPILER mips-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER mips-linux-gnu-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-mips-static -cpu 34Kf -L /usr/mips-linux-gnu)

if(OWSIP_MIPS_SYSROOT)
  set(CMAKE_FIND_ROOT_PATH ${OWSIP_MIPS_SYSROOT} /usr/mips-linux-gnu)
  set(ENV{PKG_CONFIG_LIBDIR} ${OWSIP_MIPS_SYSROOT}/lib/pkgconfig)
  set(ENV{PKG_CONFIG_PATH} "")
  set(OPENSSL_ROOT_DIR ${OWSIP_MIPS_SYSROOT})
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  list(APPEND CMAKE_PREFIX_PATH ${OWSIP_MIPS_SYSROOT})
else()
  set(CMAKE_FIND_ROOT_PATH /usr/mips-linux-gnu)
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# GCC 12 on 32-bit MIPS: 64-bit atomics live in libatomic.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-latomic")
