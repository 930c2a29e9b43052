package meetingreport

import (
	"encoding/binary"
	"strings"
	"unicode/utf16"
)

// utf16LE writes s as Teams does: UTF-16 little-endian with a byte order mark, lines ended
// with CR LF.
func utf16LE(s string) []byte {
	s = strings.ReplaceAll(s, "\n", "\r\n")
	units := utf16.Encode([]rune(s))
	out := []byte{0xFF, 0xFE}
	for _, u := range units {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// tabs turns the fixtures' " | " column marks into tabs, so the fixtures stay readable.
func tabs(s string) string { return strings.ReplaceAll(s, " | ", "\t") }

// teamsReport is a Teams attendance report as downloaded by an organiser in the UK
// (en-GB dates, 24-hour clock) for a session on 11 January 2027, 9:30 to 15:30:
//   - Zoë joined early, left for a quarter of an hour, and came back;
//   - Marcus joined on his laptop and his phone at once;
//   - Siobhán joined as a guest without an email, with her name in Irish;
//   - Priya joined for an hour only;
//   - the organiser is the trainer.
var teamsReport = tabs(`1. Summary
Meeting title | Domestic abuse and its impact on children
Attended participants | 5
Start time | 11/01/2027, 09:25:40
End time | 11/01/2027, 15:34:02
Meeting duration | 6h 8m 22s
Average attendance time | 4h 1m 3s

2. Participants
Name | First Join | Last Leave | In-Meeting Duration | Email | Participant ID (UPN) | Role
Sam Trainer | 11/01/2027, 09:25:40 | 11/01/2027, 15:34:02 | 6h 8m 22s | sam.trainer@bathnes.example | sam.trainer@bathnes.example | Organizer
Zoë Ashworth | 11/01/2027, 09:28:10 | 11/01/2027, 15:30:55 | 5h 48m 0s | zoe.ashworth@nhs.example | zoe.ashworth@nhs.example | Attendee
Marcus Reid | 11/01/2027, 09:31:00 | 11/01/2027, 15:29:00 | 5h 58m 0s | m.reid@police.example | m.reid@police.example | Attendee
Siobhán Ó Briain (Guest) | 11/01/2027, 09:35:00 | 11/01/2027, 15:25:00 | 5h 50m 0s |  |  | Attendee
Priya Shah | 11/01/2027, 10:00:00 | 11/01/2027, 11:00:00 | 1h 0m 0s | priya.shah@school.example | priya.shah@school.example | Attendee

3. In-Meeting Activities
Name | Join Time | Leave Time | Duration | Email | Role
Sam Trainer | 11/01/2027, 09:25:40 | 11/01/2027, 15:34:02 | 6h 8m 22s | sam.trainer@bathnes.example | Organizer
Zoë Ashworth | 11/01/2027, 09:28:10 | 11/01/2027, 12:00:00 | 2h 31m 50s | zoe.ashworth@nhs.example | Attendee
Zoë Ashworth | 11/01/2027, 12:15:00 | 11/01/2027, 15:30:55 | 3h 15m 55s | zoe.ashworth@nhs.example | Attendee
Marcus Reid | 11/01/2027, 09:31:00 | 11/01/2027, 15:29:00 | 5h 58m 0s | m.reid@police.example | Attendee
Marcus Reid | 11/01/2027, 10:00:00 | 11/01/2027, 11:00:00 | 1h 0m 0s | m.reid@police.example | Attendee
Siobhán Ó Briain (Guest) | 11/01/2027, 09:35:00 | 11/01/2027, 15:25:00 | 5h 50m 0s |  | Attendee
Priya Shah | 11/01/2027, 10:00:00 | 11/01/2027, 11:00:00 | 1h 0m 0s | priya.shah@school.example | Attendee
`)

// teamsParticipantsOnly is a Teams report with no activities section: only each person's
// total.
var teamsParticipantsOnly = tabs(`1. Summary
Meeting title | Early help assessment
2. Participants
Name | First Join | Last Leave | In-Meeting Duration | Email | Participant ID (UPN) | Role
Zoë Ashworth | 11/01/2027, 09:28:10 | 11/01/2027, 15:30:55 | 2h 30m 0s | zoe.ashworth@nhs.example | zoe.ashworth@nhs.example | Attendee
`)

// teamsLog is the older Teams download: a log of joins and leaves, US dates, 12-hour
// clock, with the narrow no-break space Windows puts before PM.
var teamsLog = tabs("Full Name | User Action | Timestamp\n" +
	"Zoë Ashworth | Joined | 6/14/2027, 9:29:00\u202fAM\n" +
	"Zoë Ashworth | Left | 6/14/2027, 10:00:00\u202fAM\n" +
	"Zoë Ashworth | Joined | 6/14/2027, 10:30:00\u202fAM\n" +
	"Marcus Reid | Joined before | 6/14/2027, 9:30:00\u202fAM\n" +
	"Marcus Reid | Left | 6/14/2027, 11:30:00\u202fAM\n" +
	"Zoë Ashworth | Left | 6/14/2027, 11:30:00\u202fAM\n")

// zoomReport is Zoom's participants export with the meeting's details above it: UTF-8,
// commas, US dates with a 12-hour clock, minutes; a renamed participant, a guest, and a
// name with a comma in quotes. The session is on 14 June 2027, 9:30 to 11:30 UK time
// (British Summer Time, so 8:30 to 10:30 UTC).
var zoomReport = `Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,Modern slavery awareness,06/14/2027 09:24:31 AM,06/14/2027 11:33:12 AM,host@freedom.example,129,4

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent
Alex Host,host@freedom.example,06/14/2027 09:24:31 AM,06/14/2027 11:33:12 AM,129,No,
Zoe (Zoë Ashworth),zoe.ashworth@nhs.example,06/14/2027 09:29:02 AM,06/14/2027 10:40:00 AM,71,No,Y
Zoe (Zoë Ashworth),zoe.ashworth@nhs.example,06/14/2027 10:45:00 AM,06/14/2027 11:31:00 AM,46,No,Y
"Reid, Marcus",,06/14/2027 09:40:00 AM,06/14/2027 10:10:00 AM,30,Yes,Y
José Álvarez,,06/14/2027 09:31:00 AM,06/14/2027 11:29:00 AM,118,Yes,Y
`
