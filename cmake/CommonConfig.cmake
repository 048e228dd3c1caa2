# One INTERFACE target carries the language standard, warnings, Qt strictness and sanitizers.
add_library(socketscope_common INTERFACE)

include(CheckCXXCompilerFlag)
if(cxx_std_20 IN_LIST CMAKE_CXX_COMPILE_FEATURES)
  target_compile_features(socketscope_common INTERFACE cxx_std_20)
else()
  target_compile_features(socketscope_common INTERFACE cxx_std_17)
endif()
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_definitions(socketscope_common INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_USE_QSTRINGBUILDER
  SOCKETSCOPE_VERSION="${PROJECT_VERSION}")

if(MSVC)
  target_compile_options(socketscope_common INTERFACE /W4 /permissive- /utf-8)
  if(SOCKETSCOPE_WERROR)
    target_compile_options(socketscope_common INTERFACE /WX)
  endif()
else()
  target_compile_options(socketscope_common INTERFACE
    -Wall -Wextra -Wshadow -Wconversion -Wnon-virtual-dtor -Woverloaded-virtual)
  if(SOCKETSCOPE_WERROR)
    target_compile_options(socketscope_common INTERFACE -Werror)
  endif()
  set(_sanitizers "")
  if(SOCKETSCOPE_ASAN)
    list(APPEND _sanitizers address)
  endif()
  if(SOCKETSCOPE_UBSAN)
    list(APPEND _sanitizers undefined)
  endif()
  if(_sanitizers)
    list(JOIN _sanitizers "," _san)
    target_compile_options(socketscope_common INTERFACE -fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(socketscope_common INTERFACE -fsanitize=${_san})
  endif()
endif()
