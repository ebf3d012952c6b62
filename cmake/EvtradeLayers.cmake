# Link closures of our targets, for the layering check (tests/layers): which
# libraries a target ends up linked with, directly or through the targets it
# links. Written at configure time to a file the test reads, since the rules
# are about the build graph, not about any one compiled file.

# Sets out_var to every target reachable from target through LINK_LIBRARIES
# and INTERFACE_LINK_LIBRARIES ($<LINK_ONLY:x> counts as x; other generator
# expressions, as found in imported targets, are skipped). Sorted.
function(evtrade_link_closure target out_var)
  set(todo ${target})
  set(seen)
  while(todo)
    list(POP_FRONT todo current)
    get_target_property(aliased ${current} ALIASED_TARGET)
    if(aliased)
      set(current ${aliased})
    endif()
    foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(libs ${current} ${property})
      if(NOT libs)
        continue()
      endif()
      foreach(lib ${libs})
        if(lib MATCHES "^\\$<LINK_ONLY:([^$<>]+)>$")
          set(lib ${CMAKE_MATCH_1})
        endif()
        # "::@(dir)" markers tag links made from another directory.
        if(lib MATCHES "\\$<" OR lib MATCHES "^::@" OR NOT TARGET ${lib})
          continue()
        endif()
        if(NOT lib IN_LIST seen)
          list(APPEND seen ${lib})
          list(APPEND todo ${lib})
        endif()
      endforeach()
    endforeach()
  endwhile()
  list(SORT seen)
  set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

function(_evtrade_targets_in dir out_var)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir ${subdirs})
    _evtrade_targets_in(${subdir} sub_targets)
    list(APPEND targets ${sub_targets})
  endforeach()
  set(${out_var} ${targets} PARENT_SCOPE)
endfunction()

# Writes "<target>: <closure, space-separated>" for every executable and
# library defined in this project, one line each, sorted by target. Call at
# the end of the top-level CMakeLists.txt, when every target exists.
function(evtrade_write_link_closures file)
  _evtrade_targets_in(${PROJECT_SOURCE_DIR} targets)
  list(SORT targets)
  set(text "")
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|INTERFACE_LIBRARY)$")
      continue()
    endif()
    evtrade_link_closure(${target} closure)
    list(JOIN closure " " closure_text)
    string(APPEND text "${target}: ${closure_text}\n")
  endforeach()
  file(WRITE ${file}.tmp "${text}")
  # Unchanged content keeps the file's time stamp.
  file(COPY_FILE ${file}.tmp ${file} ONLY_IF_DIFFERENT)
  file(REMOVE ${file}.tmp)
endfunction()
