# Writes OUT (a header defining MESHPANEL_COMMIT) from `git rev-parse` in SRC,
# only when it changes, so `meshpanel version` names the commit it was built
# from without rebuilding everything on every build. Outside a git checkout
# (a release tarball) the commit is "unknown", unless MESHPANEL_COMMIT is set.
if(DEFINED ENV{MESHPANEL_COMMIT})
  set(commit "$ENV{MESHPANEL_COMMIT}")
else()
  execute_process(COMMAND git -C "${SRC}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0 OR commit STREQUAL "")
    set(commit "unknown")
  else()
    execute_process(COMMAND git -C "${SRC}" diff --quiet HEAD RESULT_VARIABLE dirty ERROR_QUIET)
    if(NOT dirty EQUAL 0)
      set(commit "${commit}-dirty")
    endif()
  endif()
endif()
set(text "#define MESHPANEL_COMMIT \"${commit}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE "${OUT}" "${text}")
endif()
