package report

// AttendanceSeries are the parts of a place booked, in the order the type chart stacks
// them; together they always add up to the places booked.
var AttendanceSeries = []Series{
	{Name: "Attended", Fill: ColourAttended},
	{Name: "Partly attended", Fill: ColourPartial},
	{Name: "Did not attend", Fill: ColourDNA},
	{Name: "Cancelled late", Fill: ColourLate},
	{Name: "Not recorded", Fill: ColourNotRecorded},
}

// TypeChart pictures what became of the places booked by each type of organisation.
func TypeChart(a *Attendance) StackedChart {
	c := StackedChart{
		ID:     "chart-types",
		Title:  "What happened to places booked, by type of organisation",
		Desc:   "Each bar is one type of organisation's places booked, split into attended, partly attended, did not attend, cancelled late and not recorded. The table below the chart gives the same numbers.",
		Series: AttendanceSeries,
	}
	for _, t := range a.ByType {
		note := "No places"
		if t.PlacesBooked > 0 {
			note = "DNA " + t.DNARate().String()
		}
		c.Bars = append(c.Bars, Bar{Label: t.Label(),
			Values: []int{t.Attended, t.Partial, t.DNA, t.LateCancelled, t.NotRecorded}, Note: note})
	}
	return c
}

// FillChart pictures how full each course's sessions were.
func FillChart(a *Attendance) StackedChart {
	c := StackedChart{
		ID:     "chart-fill",
		Title:  "Fill rate by course",
		Desc:   "Each bar is one course: places held when its sessions started, against the places it had. The table below the chart gives the same numbers.",
		Series: []Series{{Name: "Places filled", Fill: ColourAttended}, {Name: "Places empty", Fill: ColourEmpty}},
	}
	for _, r := range a.Courses {
		c.Bars = append(c.Bars, Bar{Label: r.Title, Values: []int{r.HeldAtStart(), r.Capacity - r.HeldAtStart()},
			Note: r.Fill().String()})
	}
	return c
}
