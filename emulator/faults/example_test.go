package faults_test

import (
	"fmt"
	"time"

	"github.com/ecrlink/ecrlink/emulator/faults"
	"github.com/ecrlink/ecrlink/emulator/scenario"
)

// A scenario that lets two token requests through, then throttles them.
func Example() {
	set := faults.New([]scenario.Fault{{
		Match:  scenario.FaultMatch{Service: "ecr.api", Action: "ecr:GetAuthorizationToken"},
		Effect: "throttle", After: 2, Rate: 1,
	}}, nil)
	req := faults.Request{Service: "ecr.api", Action: "ecr:GetAuthorizationToken", Host: "api.ecr.us-east-1.amazonaws.com"}
	for range 3 {
		f, ok := set.Decide(req)
		if !ok {
			fmt.Println("served")
			continue
		}
		resp := faults.Throttle(req.Service)
		fmt.Println(resp.Status, string(resp.Body))
		fmt.Println(f.Index, faults.ClientText(f.Effect, req))
	}
	// Output:
	// served
	// served
	// 400 {"__type":"ThrottlingException","message":"Rate exceeded"}
	// 0 ThrottlingException: Rate exceeded
}

// The emulator's loop for effect slow: write a Chunk, sleep what Delay says.
func ExamplePace() {
	p := faults.Pace{BytesPerSecond: 1000}
	fmt.Println(p.Chunk(), p.Delay(300, 100*time.Millisecond))
	// Output: 100 200ms
}
