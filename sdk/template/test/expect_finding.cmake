# Runs `iqts-scan scan` on EXPORT with the PLUGINS and RULES folders and
# fails unless the JSON report has a finding about SUBJECT under CRITERION
# with EXPECTED_STATUS. Run with cmake -D... -P expect_finding.cmake.
cmake_minimum_required(VERSION 3.25)

foreach(variable SCANNER EXPORT PLUGINS RULES INSPECTION_DATE REPORT CRITERION SUBJECT EXPECTED_STATUS)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "expect_finding.cmake: -D${variable}=... is required")
  endif()
endforeach()

execute_process(
  COMMAND ${SCANNER} scan ${EXPORT} --plugins ${PLUGINS} --rules ${RULES}
          --inspection-date ${INSPECTION_DATE} --format json --output ${REPORT}
  RESULT_VARIABLE exit_status
  ERROR_VARIABLE scanner_log)
# 0: every criterion passed; 1: some failed or are missing, as expected for
# a fixture that holds only the policy. 2 means the scan could not run.
if(NOT exit_status EQUAL 0 AND NOT exit_status EQUAL 1)
  message(FATAL_ERROR "iqts-scan exited with ${exit_status}:\n${scanner_log}")
endif()

file(READ ${REPORT} report)
string(JSON criterion_count LENGTH "${report}" criteria)
math(EXPR last_criterion "${criterion_count} - 1")
foreach(i RANGE ${last_criterion})
  string(JSON id GET "${report}" criteria ${i} id)
  if(NOT id STREQUAL CRITERION)
    continue()
  endif()
  string(JSON finding_count LENGTH "${report}" criteria ${i} findings)
  math(EXPR last_finding "${finding_count} - 1")
  foreach(j RANGE ${last_finding})
    string(JSON subject GET "${report}" criteria ${i} findings ${j} subject)
    if(subject STREQUAL SUBJECT)
      string(JSON status GET "${report}" criteria ${i} findings ${j} status)
      string(JSON text GET "${report}" criteria ${i} findings ${j} message)
      if(NOT status STREQUAL EXPECTED_STATUS)
        message(FATAL_ERROR "${CRITERION} '${SUBJECT}': expected ${EXPECTED_STATUS}, got ${status}: ${text}")
      endif()
      message(STATUS "${CRITERION} '${SUBJECT}': ${status}: ${text}")
      return()
    endif()
  endforeach()
endforeach()
message(FATAL_ERROR "no finding about '${SUBJECT}' under ${CRITERION} in ${REPORT}; is the plugin loaded?\n${scanner_log}")
