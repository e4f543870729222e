package main

import (
	"fmt"
	"io"

	"github.com/ecrlink/ecrlink/emulator"
)

const scenarioUsage = `usage: ecrlink scenario <validate FILE | schema>

  validate FILE   parse and check a scenario; exit 0 when valid, 2 with every
                  finding (line: path: message) when not
  schema          print the JSON Schema of scenario documents
`

func runScenario(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 2 && args[0] == "validate":
		if _, err := readScenario(args[1]); err != nil {
			fmt.Fprintf(stderr, "%s:\n%v\n", args[1], err)
			return 2
		}
		fmt.Fprintf(stdout, "%s: valid\n", args[1])
		return 0
	case len(args) == 1 && args[0] == "schema":
		_, _ = stdout.Write(emulator.ScenarioSchema())
		return 0
	case len(args) == 1 && (args[0] == "-h" || args[0] == "--help"):
		fmt.Fprint(stdout, scenarioUsage)
		return 0
	}
	fmt.Fprint(stderr, scenarioUsage)
	return 2
}

// readScenario reads and parses a scenario file, bounded as the parser
// bounds documents.
func readScenario(path string) (*emulator.Scenario, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return emulator.ParseScenario(data)
}
