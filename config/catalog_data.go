package config

import "time"

// day parses a YYYY-MM-DD catalog date as UTC midnight.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic("config: bad catalog date " + s)
	}
	return t
}

// catalog is lambda-spec.md §5 as data: block dates from the Oct 2026
// transcription of AWS's runtime table. Zero dates are "not scheduled" or
// "no source gave the value". Archs defaults to both (x86_64 only on AL1);
// Glibc is filled from the OS. AWS moves these dates often: refresh them.
var catalog = []Runtime{
	// §5.1 Python.
	{ID: "python3.15", Family: FamilyPython, Version: "3.15", OS: OSAL2023, Preview: true},
	{ID: "python3.14", Family: FamilyPython, Version: "3.14", OS: OSAL2023, Deprecated: day("2029-06-30"), BlockCreate: day("2029-07-31"), BlockUpdate: day("2029-08-31")},
	{ID: "python3.13", Family: FamilyPython, Version: "3.13", OS: OSAL2023, Deprecated: day("2029-06-30"), BlockCreate: day("2029-07-31"), BlockUpdate: day("2029-08-31")},
	{ID: "python3.12", Family: FamilyPython, Version: "3.12", OS: OSAL2023, Deprecated: day("2028-10-31"), BlockCreate: day("2028-11-30"), BlockUpdate: day("2029-01-10")},
	{ID: "python3.11", Family: FamilyPython, Version: "3.11", OS: OSAL2, Deprecated: day("2027-06-30"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "python3.10", Family: FamilyPython, Version: "3.10", OS: OSAL2, Deprecated: day("2026-10-31"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "python3.9", Family: FamilyPython, Version: "3.9", OS: OSAL2, Deprecated: day("2025-12-15"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "python3.8", Family: FamilyPython, Version: "3.8", OS: OSAL2, Deprecated: day("2024-10-14"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},

	// §5.2 Node.js.
	{ID: "nodejs26.x", Family: FamilyNode, Version: "26", OS: OSAL2023, Preview: true},
	{ID: "nodejs24.x", Family: FamilyNode, Version: "24", OS: OSAL2023, Deprecated: day("2028-04-30"), BlockCreate: day("2028-06-01"), BlockUpdate: day("2028-07-01")},
	{ID: "nodejs22.x", Family: FamilyNode, Version: "22", OS: OSAL2023, Deprecated: day("2027-04-30"), BlockCreate: day("2027-06-01"), BlockUpdate: day("2027-07-01")},
	{ID: "nodejs20.x", Family: FamilyNode, Version: "20", OS: OSAL2023, Deprecated: day("2026-04-30"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "nodejs18.x", Family: FamilyNode, Version: "18", OS: OSAL2, Deprecated: day("2025-09-01"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "nodejs16.x", Family: FamilyNode, Version: "16", OS: OSAL2, Deprecated: day("2024-06-12"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},

	// §5.3 Java.
	{ID: "java25", Family: FamilyJava, Version: "25", OS: OSAL2023, Deprecated: day("2029-06-30"), BlockUpdate: day("2029-08-31")},
	{ID: "java21", Family: FamilyJava, Version: "21", OS: OSAL2023, Deprecated: day("2029-06-30"), BlockCreate: day("2029-07-31"), BlockUpdate: day("2029-08-31")},
	{ID: "java17.al2023", Family: FamilyJava, Version: "17", OS: OSAL2023, Deprecated: day("2029-06-30"), BlockUpdate: day("2029-08-31")},
	{ID: "java11.al2023", Family: FamilyJava, Version: "11", OS: OSAL2023, Deprecated: day("2029-06-30"), BlockUpdate: day("2029-08-31")},
	{ID: "java8.al2023", Family: FamilyJava, Version: "8", OS: OSAL2023, Deprecated: day("2029-06-30"), BlockUpdate: day("2029-08-31")},
	{ID: "java17", Family: FamilyJava, Version: "17", OS: OSAL2, Deprecated: day("2027-06-30"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "java11", Family: FamilyJava, Version: "11", OS: OSAL2, Deprecated: day("2027-06-30"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "java8.al2", Family: FamilyJava, Version: "8", OS: OSAL2, Deprecated: day("2027-06-30"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "java8", Family: FamilyJava, Version: "8", OS: OSAL1, Deprecated: day("2024-01-08"), BlockCreate: day("2024-02-08"), BlockUpdate: day("2027-08-31")},

	// §5.4 .NET (dotnet9 is container-image only).
	{ID: "dotnet10", Family: FamilyDotnet, Version: "10", OS: OSAL2023, Deprecated: day("2028-11-14"), BlockCreate: day("2028-12-14"), BlockUpdate: day("2029-01-15")},
	{ID: "dotnet9", Family: FamilyDotnet, Version: "9", OS: OSAL2023, Deprecated: day("2026-11-10")},
	{ID: "dotnet8", Family: FamilyDotnet, Version: "8", OS: OSAL2023, Deprecated: day("2026-11-10"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "dotnet6", Family: FamilyDotnet, Version: "6", OS: OSAL2, Deprecated: day("2024-12-20"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},

	// §5.5 Ruby.
	{ID: "ruby4.0", Family: FamilyRuby, Version: "4.0", OS: OSAL2023, Deprecated: day("2029-03-31"), BlockUpdate: day("2029-05-31")},
	{ID: "ruby3.4", Family: FamilyRuby, Version: "3.4", OS: OSAL2023, Deprecated: day("2028-03-31"), BlockCreate: day("2028-04-30"), BlockUpdate: day("2028-05-31")},
	{ID: "ruby3.3", Family: FamilyRuby, Version: "3.3", OS: OSAL2023, Deprecated: day("2027-03-31"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "ruby3.2", Family: FamilyRuby, Version: "3.2", OS: OSAL2, Deprecated: day("2026-03-31"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},

	// §5.6 OS-only runtimes. go1.x ran a Go binary on AL1; its successor is provided.al2023.
	{ID: "provided.al2023", Family: FamilyProvided, OS: OSAL2023, Deprecated: day("2029-06-30"), BlockCreate: day("2029-07-31"), BlockUpdate: day("2029-08-31")},
	{ID: "provided.al2", Family: FamilyProvided, OS: OSAL2, Deprecated: day("2026-07-31"), BlockCreate: day("2027-07-29"), BlockUpdate: day("2027-08-31")},
	{ID: "provided", Family: FamilyProvided, OS: OSAL1, Deprecated: day("2024-01-08"), BlockCreate: day("2024-02-08"), BlockUpdate: day("2027-08-31")},
	{ID: "go1.x", Family: FamilyGo, Version: "1.x", OS: OSAL1, Deprecated: day("2024-01-08"), BlockCreate: day("2024-02-08"), BlockUpdate: day("2027-08-31")},

	// Fully retired runtimes (§5 "Older, fully retired runtimes"). The spec gives
	// only python3.7's BlkUpdate; python3.7's Dep/BlkCreate are AWS's published
	// deprecated-runtime dates, not in lambda-spec.md. OS and arm64 support of
	// retired runtimes are inferred (arm64 arrived in 2021 for the then-current AL2 runtimes).
	{ID: "python3.7", Family: FamilyPython, Version: "3.7", OS: OSAL1, Retired: true, Deprecated: day("2023-12-04"), BlockCreate: day("2024-01-09"), BlockUpdate: day("2027-08-31")},
	{ID: "python3.6", Family: FamilyPython, Version: "3.6", OS: OSAL1, Retired: true},
	{ID: "python2.7", Family: FamilyPython, Version: "2.7", OS: OSAL1, Retired: true},
	{ID: "nodejs14.x", Family: FamilyNode, Version: "14", OS: OSAL2, Retired: true},
	{ID: "nodejs12.x", Family: FamilyNode, Version: "12", OS: OSAL2, Retired: true},
	{ID: "nodejs10.x", Family: FamilyNode, Version: "10", OS: OSAL2, Retired: true, Archs: []string{ArchX86}},
	{ID: "nodejs8.10", Family: FamilyNode, Version: "8.10", OS: OSAL1, Retired: true},
	{ID: "nodejs6.10", Family: FamilyNode, Version: "6.10", OS: OSAL1, Retired: true},
	{ID: "nodejs4.3-edge", Family: FamilyNode, Version: "4.3", OS: OSAL1, Retired: true},
	{ID: "nodejs4.3", Family: FamilyNode, Version: "4.3", OS: OSAL1, Retired: true},
	{ID: "nodejs", Family: FamilyNode, Version: "0.10", OS: OSAL1, Retired: true},
	{ID: "dotnet7", Family: FamilyDotnet, Version: "7", OS: OSAL2, Retired: true},
	{ID: "dotnet5.0", Family: FamilyDotnet, Version: "5.0", OS: OSAL2, Retired: true},
	{ID: "dotnetcore3.1", Family: FamilyDotnet, Version: "3.1", OS: OSAL2, Retired: true},
	{ID: "dotnetcore2.1", Family: FamilyDotnet, Version: "2.1", OS: OSAL1, Retired: true},
	{ID: "dotnetcore2.0", Family: FamilyDotnet, Version: "2.0", OS: OSAL1, Retired: true},
	{ID: "dotnetcore1.0", Family: FamilyDotnet, Version: "1.0", OS: OSAL1, Retired: true},
	{ID: "ruby2.7", Family: FamilyRuby, Version: "2.7", OS: OSAL2, Retired: true},
	{ID: "ruby2.5", Family: FamilyRuby, Version: "2.5", OS: OSAL1, Retired: true},
}
