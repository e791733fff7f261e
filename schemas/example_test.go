package schemas_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/yardstick-open/yardstick/schemas"
)

func ExampleParsePeriod() {
	for _, s := range []string{"Q1 2024/25", "Jan-Mar 2025", "2024/25", "June 2024"} {
		p, err := schemas.ParsePeriod(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-12s -> %-10s %-7s %s to %s\n", s, p, p.Kind, p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
	}
	// Output:
	// Q1 2024/25   -> 2024-25-Q1 quarter 2024-04-01 to 2024-06-30
	// Jan-Mar 2025 -> 2024-25-Q4 quarter 2025-01-01 to 2025-03-31
	// 2024/25      -> 2024-25    year    2024-04-01 to 2025-03-31
	// June 2024    -> 2024-06    month   2024-06-01 to 2024-06-30
}

func ExampleParsePeriod_errors() {
	for _, s := range []string{"2024", "2024 Q1"} {
		_, err := schemas.ParsePeriod(s)
		fmt.Println(err)
	}
	// Output:
	// unrecognised period: "2024" is a calendar year; periods are financial years, written 2024-25 (April 2024 to March 2025)
	// unrecognised period: "2024 Q1" could be a calendar or a financial-year quarter; write the financial year, as 2024-25-Q1 (April to June 2024)
}

func ExamplePeriod_Previous() {
	p, _ := schemas.ParsePeriod("2024-25-Q1")
	fmt.Println(p.Previous(), p.YearEarlier())
	// Output: 2023-24-Q4 2023-24-Q1
}

func ExampleParseNumber() {
	for _, s := range []string{"85%", "£1,234.50", "85,5"} {
		n, err := schemas.ParseNumber(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s -> %g (decimals %d, percent %v)\n", s, n.Value, n.Decimals, n.Percent)
	}
	// Output:
	// 85% -> 85 (decimals 0, percent true)
	// £1,234.50 -> 1234.5 (decimals 2, percent false)
	// not a number: "85,5": a comma must separate thousands (write decimals with a point)
}

func ExampleSplitQualifier() {
	figure, status := schemas.SplitQualifier("85.2 [p]")
	fmt.Printf("%s %s (%s)\n", figure, status.Bracketed(), status.Label())
	marker, _ := schemas.ParseMarker("..")
	fmt.Printf("%s (%s)\n", marker.Bracketed(), marker.Label())
	// Output:
	// 85.2 [p] (provisional)
	// [x] (not available)
}

func ExampleCouncils_Resolve() {
	councils, err := schemas.LoadCouncils(os.DirFS("../data/reference"))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := councils.Resolve("E08000020", time.Time{}) // Gateshead's former code
	fmt.Println(c.Code, c.Name)

	_, err = councils.Resolve("E10000021", time.Date(2021, time.April, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(err)
	var ce *schemas.CouncilError
	if errors.As(err, &ce) {
		fmt.Println(ce.Hint)
	}
	// Output:
	// E08000037 Gateshead
	// council did not exist in that period: "E10000021"
	// Northamptonshire (E10000021) was abolished on 2021-04-01; returns for later periods belong to its successors: North Northamptonshire (E06000061) and West Northamptonshire (E06000062)
}
