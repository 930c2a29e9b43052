package demo

import "github.com/traininghub/traininghub/internal/account"

// The demo world is Bath and North East Somerset. The council, police force and hospital
// trust are the real public bodies a partnership there would include; the schools, the
// voluntary group, the charity and every person are invented. All email addresses are on
// example.org, which can never deliver mail to anyone.

// Organisation keys used by the tables below.
const (
	orgCouncil  = "council"
	orgPolice   = "police"
	orgHospital = "hospital"
	orgPrimary  = "primary"
	orgAcademy  = "academy"
	orgSocial   = "social"
	orgYouth    = "youth"
	orgCharity  = "charity"
)

type orgSpec struct {
	key     string
	name    string
	typ     account.OrgType
	domains []string // email domains: a confirmed address on one joins the organisation
}

// Each organisation's domains are those its demo staff use, so self-registration can be
// tried with an address like new.starter@police.example.org (joins at once) or
// someone@gmail.example (asks the manager). The force and the trust also list their real
// domains, as a live partnership would: nhs.net is the shared NHS mail domain, where
// people choose their trust.
var organisations = []orgSpec{
	{orgCouncil, "Bath and North East Somerset Council", account.OtherOrg, []string{"council.example.org"}},
	{orgPolice, "Avon and Somerset Police", account.Police, []string{"police.example.org", "avonandsomerset.police.uk"}},
	{orgHospital, "Royal United Hospitals Bath NHS Foundation Trust", account.Health, []string{"ruh.example.org", "nhs.net"}},
	{orgPrimary, "St Aldhelm's Church of England Primary School", account.Education, []string{"staldhelms.example.org"}},
	{orgAcademy, "Radstock Vale Academy", account.Education, []string{"radstockvale.example.org"}},
	{orgSocial, "B&NES Children's Social Care", account.SocialCare, []string{"childrens.example.org"}},
	{orgYouth, "Bath Youth Support Network", account.Voluntary, []string{"youthnetwork.example.org"}},
	{orgCharity, "Freedom Pathways", account.TrainingPartner, []string{"freedompathways.example.org"}},
}

// personSpec is one account. Demo sign-ins carry a password; everyone else has none, so
// they exist to fill registers and waiting lists but can never sign in.
type personSpec struct {
	name     string
	email    string
	jobTitle string
	org      string
	role     account.Role
	password string
}

// demoLogins are the documented sign-ins, one per role, printed by `serve --demo`.
var demoLogins = []personSpec{
	{"Hannah Price", "practitioner@example.org", "Teaching Assistant and Deputy Safeguarding Lead", orgPrimary,
		account.Practitioner, "demo-practitioner-2026"},
	{"Marcus Bennett", "trainer@example.org", "Safeguarding Training Officer", orgCouncil,
		account.Trainer, "demo-trainer-2026"},
	{"Grace Adeyemi", "partner@example.org", "Training Coordinator", orgCharity,
		account.Partner, "demo-partner-2026"},
	{"Rachel Whitfield", "manager@example.org", "Team Manager, Children in Need", orgSocial,
		account.Manager, "demo-manager-2026"},
	{"Daniel Hughes", "admin@example.org", "Partnership Training Coordinator", orgCouncil,
		account.Admin, "demo-admin-2026"},
}

// charityTrainer delivers the charity's own sessions.
var charityTrainer = personSpec{"Amara Okafor", "amara.okafor@freedompathways.example.org",
	"Anti-Slavery Trainer", orgCharity, account.Trainer, ""}

// practitioners are generated staff from every agency who fill the sessions. Their names
// deliberately include accents and apostrophes, which every page, email and certificate
// must get right.
var practitioners = []personSpec{
	{"Seán Ó Briain", "sean.obriain@police.example.org", "Police Constable, Missing Persons Unit", orgPolice, account.Practitioner, ""},
	{"Priya Raman", "priya.raman@police.example.org", "Detective Constable, Child Exploitation Team", orgPolice, account.Practitioner, ""},
	{"Zoë O'Connor", "zoe.oconnor@ruh.example.org", "Paediatric Staff Nurse", orgHospital, account.Practitioner, ""},
	{"Aoife Gallagher", "aoife.gallagher@childrens.example.org", "Social Worker", orgSocial, account.Practitioner, ""},
	{"Callum Reid", "callum.reid@youthnetwork.example.org", "Youth Worker", orgYouth, account.Practitioner, ""},
	{"Chloé Dubois", "chloe.dubois@staldhelms.example.org", "Year 4 Class Teacher", orgPrimary, account.Practitioner, ""},
	{"Ravi Patel", "ravi.patel@radstockvale.example.org", "Designated Safeguarding Lead", orgAcademy, account.Practitioner, ""},
	{"Bethan Morgan", "bethan.morgan@council.example.org", "Early Help Coordinator", orgCouncil, account.Practitioner, ""},
	{"Kwame Mensah", "kwame.mensah@ruh.example.org", "Paediatric Registrar", orgHospital, account.Practitioner, ""},
	{"Fatima Begum", "fatima.begum@childrens.example.org", "Family Support Worker", orgSocial, account.Practitioner, ""},
	{"Tom Hadley", "tom.hadley@police.example.org", "Police Community Support Officer", orgPolice, account.Practitioner, ""},
	{"Niamh McCarthy", "niamh.mccarthy@radstockvale.example.org", "Attendance Officer", orgAcademy, account.Practitioner, ""},
	{"María José Fernández", "mariajose.fernandez@youthnetwork.example.org", "Volunteer Coordinator", orgYouth, account.Practitioner, ""},
	{"Lewis Grant", "lewis.grant@childrens.example.org", "Senior Practitioner", orgSocial, account.Practitioner, ""},
	{"Joanna Kowalczyk", "joanna.kowalczyk@ruh.example.org", "Community Midwife", orgHospital, account.Practitioner, ""},
	{"Mohammed Iqbal", "mohammed.iqbal@staldhelms.example.org", "Learning Mentor", orgPrimary, account.Practitioner, ""},
	{"Anil Sharma", "anil.sharma@council.example.org", "Housing Options Officer", orgCouncil, account.Practitioner, ""},
	{"Renée Fontaine", "renee.fontaine@childrens.example.org", "Independent Reviewing Officer", orgSocial, account.Practitioner, ""},
	{"Kate O'Neill", "kate.oneill@youthnetwork.example.org", "Detached Youth Worker", orgYouth, account.Practitioner, ""},
	{"Ellie-Mae Thompson", "elliemae.thompson@radstockvale.example.org", "Head of Year 9", orgAcademy, account.Practitioner, ""},
	{"Siân Llewellyn", "sian.llewellyn@ruh.example.org", "Emergency Department Sister", orgHospital, account.Practitioner, ""},
	{"Olusegun Adebayo", "olusegun.adebayo@childrens.example.org", "Social Worker, Duty and Assessment", orgSocial, account.Practitioner, ""},
	{"Laura Fitzgerald", "laura.fitzgerald@council.example.org", "Family Information Service Adviser", orgCouncil, account.Practitioner, ""},
	{"Tomasz Nowak", "tomasz.nowak@freedompathways.example.org", "Outreach Worker", orgCharity, account.Practitioner, ""},
	{"Dafydd ap Rhys", "dafydd.aprhys@police.example.org", "Police Sergeant, Neighbourhood Team", orgPolice, account.Practitioner, ""},
}

// Course keys used by the session plan.
const (
	courseSlavery     = "modern-slavery"
	courseCSE         = "cse"
	courseMissing     = "missing"
	courseDomestic    = "domestic-abuse"
	courseEarlyHelp   = "early-help"
	courseWhistle     = "whistleblowing"
	courseLevel1      = "level-1"
	courseLevel2      = "level-2"
	courseCCE         = "county-lines"
	courseWellbeing   = "self-harm"
	refresherMonths   = 36
	everyoneAudience  = "Anyone who works or volunteers with children, young people or families, in any agency. No previous training needed."
	frontlineAudience = "Practitioners in any agency who work directly with children, young people or families."
)

type courseSpec struct {
	key            string
	title          string
	summary        string
	description    string
	audience       string
	minutes        int
	provider       string // organisation key; "" when the partnership runs it
	validityMonths int
	topics         []string
	evaluation     bool  // the certificate waits for the post-course evaluation
	chargeDNA      int64 // pence charged to the organisation for a no-show
	chargeLate     int64 // pence charged for a late cancellation
}

var courses = []courseSpec{
	{
		key:   courseSlavery,
		title: "Modern slavery and human trafficking awareness",
		summary: "A two-hour introduction for anyone who may meet a victim of modern slavery or trafficking " +
			"in their work, delivered by our charity partner Freedom Pathways.",
		description: "Modern slavery is far more common in the UK than the figures suggest, and children are " +
			"among its victims. It includes forced labour, sexual exploitation, domestic servitude and " +
			"criminal exploitation such as being made to carry drugs.\n\n" +
			"Trainers from Freedom Pathways, a charity that supports survivors in the South West, explain " +
			"the signs to look out for, how traffickers control people, and why victims rarely ask for help.\n\n" +
			"You will leave knowing what to do when something does not feel right: who to tell, how a " +
			"referral to the National Referral Mechanism works for a child, and where to get advice.",
		audience:       "Anyone who may come across a victim of trafficking in their work, including reception, housing and health staff.",
		minutes:        120,
		provider:       orgCharity,
		validityMonths: refresherMonths,
		topics:         []string{"Exploitation", "Modern slavery"},
	},
	{
		key:   courseCSE,
		title: "Child sexual exploitation (CSE) awareness",
		summary: "Recognise the signs that a child is being sexually exploited, understand grooming, " +
			"and know how to share a concern in Bath and North East Somerset.",
		description: "Child sexual exploitation is a form of child sexual abuse. It happens when someone uses " +
			"their power over a child to make them take part in sexual activity, often in exchange for " +
			"something the child wants or needs, such as attention, gifts, alcohol or a place to stay.\n\n" +
			"This session covers how grooming works in person and online, the signs that are easy to " +
			"miss, and why a child may not see themselves as a victim.\n\n" +
			"We finish with local practice: the exploitation screening tool, the single point of contact " +
			"for CSE, and how police, health, schools and social care work together.",
		audience:       frontlineAudience,
		minutes:        180,
		validityMonths: refresherMonths,
		chargeDNA:      5000,
		chargeLate:     2500,
		topics:         []string{"Exploitation"},
	},
	{
		key:   courseMissing,
		title: "Children missing from home, care and education",
		summary: "Why children go missing, what it can tell us about harm, and what every agency must " +
			"do when a child is missing from home, care or school.",
		description: "Children rarely go missing without a reason. Sometimes it follows an argument at home, " +
			"but it can also be a sign of something seriously wrong, such as exploitation, abuse or " +
			"criminal involvement.\n\n" +
			"This session explains the difference between a child who is missing and one who is absent, " +
			"what happens in a return home interview, and how children missing from education can drop " +
			"out of sight.\n\n" +
			"You will practise recording and sharing what you know so that the next professional can act " +
			"on it quickly.",
		audience:       frontlineAudience,
		minutes:        180,
		validityMonths: refresherMonths,
		topics:         []string{"Missing children", "Exploitation"},
	},
	{
		key:   courseDomestic,
		title: "Domestic abuse and its impact on children",
		summary: "A full day on how living with domestic abuse harms children, how to ask about it " +
			"safely, and how to support the whole family.",
		description: "Domestic abuse is the most common feature of child protection assessments in England. " +
			"Under the Domestic Abuse Act 2021 children who see, hear or experience its effects are " +
			"victims in their own right.\n\n" +
			"The morning looks at coercive control, the effects on babies, children and teenagers, and " +
			"how abuse can continue after parents separate. The afternoon is practical: asking about " +
			"abuse safely, risk assessment, and referral to local specialist services.\n\n" +
			"Please bring an example from your own work, with names removed, to discuss in small groups.",
		audience:       frontlineAudience,
		minutes:        360,
		validityMonths: refresherMonths,
		chargeDNA:      5000,
		chargeLate:     2500,
		topics:         []string{"Domestic abuse"},
	},
	{
		key:   courseEarlyHelp,
		title: "Early help assessment: working with families early",
		summary: "How to start, write and review an early help assessment with a family, and lead a " +
			"team around the family.",
		description: "Early help means offering support as soon as a problem appears, before it becomes " +
			"harder to solve. Any practitioner who knows a family well can start an early help " +
			"assessment with them.\n\n" +
			"This session walks through the partnership's assessment form, how to gain a family's " +
			"consent, and how to write plans that say clearly who will do what and by when.\n\n" +
			"It also covers when early help is not enough and a referral to children's social care is " +
			"needed.",
		audience: "Practitioners who may lead or contribute to an early help assessment: schools, health visitors, youth workers, housing and police.",
		minutes:  180,
		topics:   []string{"Early help"},
	},
	{
		key:   courseWhistle,
		title: "Whistleblowing in children's services",
		summary: "What to do when you are worried about the way colleagues or your own organisation " +
			"are treating children, and how you are protected when you speak up.",
		description: "Most concerns about practice can be raised with a manager and put right. Sometimes " +
			"that does not work, or the concern is about the manager. Whistleblowing means raising it " +
			"another way.\n\n" +
			"This short session explains your rights, your organisation's policy, the local " +
			"designated officer (LADO) for allegations against staff, and how to whistleblow about " +
			"children's social care directly to Ofsted.",
		audience:   everyoneAudience,
		minutes:    90,
		topics:     []string{"Whistleblowing"},
		evaluation: true,
	},
	{
		key:   courseLevel1,
		title: "Safeguarding children level 1: introduction (live online)",
		summary: "The essentials for everyone new to working with children: spotting abuse and neglect " +
			"and knowing who to tell. A live online session with a trainer.",
		description: "This is the starting point for anyone whose work brings them into contact with " +
			"children, whether you are a receptionist, a volunteer, a driver or a new teacher.\n\n" +
			"In two hours, with time for questions, we cover the four categories of abuse, neglect, " +
			"what to do if a child tells you something, and how to pass a concern on the same day.\n\n" +
			"The session runs online, so you need a device with a camera and microphone. The joining " +
			"link appears in your booking once you have a place.",
		audience:       everyoneAudience,
		minutes:        120,
		validityMonths: refresherMonths,
		topics:         []string{"Core safeguarding"},
	},
	{
		key:   courseLevel2,
		title: "Safeguarding children level 2: working together",
		summary: "A full day for practitioners who work regularly with children or parents, on " +
			"recognising harm and working with other agencies to keep children safe.",
		description: "Level 2 builds on the introduction. It is for people who work regularly with " +
			"children, young people or parents and may need to contribute to assessments, strategy " +
			"meetings or child protection conferences.\n\n" +
			"Through case studies drawn from local reviews we look at neglect, the voice of the child, " +
			"professional curiosity, and sharing information between agencies.\n\n" +
			"You should complete level 1, or equivalent training, before you attend.",
		audience:       "Practitioners who work regularly with children, young people or parents. Level 1 first, please.",
		minutes:        390,
		validityMonths: refresherMonths,
		topics:         []string{"Core safeguarding"},
	},
	{
		key:   courseCCE,
		title: "Child criminal exploitation and county lines",
		summary: "How gangs recruit and control children to move drugs and money, and how agencies in " +
			"B&NES respond together.",
		description: "County lines is the name for drug dealing networks that use children and young " +
			"people to move drugs from cities into towns such as Bath, Keynsham and Midsomer Norton.\n\n" +
			"This session explains how children are groomed and trapped by debt or threats, the links " +
			"with going missing and exclusion from school, and why exploited children must be treated " +
			"as victims first.\n\n" +
			"Police and youth workers share what they see locally and how to pass on intelligence.",
		audience:       frontlineAudience,
		minutes:        180,
		validityMonths: refresherMonths,
		topics:         []string{"Exploitation"},
	},
	{
		key:   courseWellbeing,
		title: "Self-harm and emotional wellbeing in young people",
		summary: "Understand why young people self-harm, how to respond calmly, and where to find " +
			"support in Bath and North East Somerset.",
		description: "Our local health and wellbeing survey shows that many young people, especially " +
			"girls, think about self-harm as a way of coping.\n\n" +
			"This session helps you respond without panic: what to say and what not to say, keeping a " +
			"young person safe in the moment, and when a concern becomes a safeguarding matter.\n\n" +
			"We also map the local services young people and families can turn to.",
		audience: frontlineAudience,
		minutes:  150,
		topics:   []string{"Mental health"},
	},
}

// Venues used for in-person sessions; "" means online.
const (
	guildhall  = "Guildhall, High Street, Bath BA1 5AW"
	keynsham   = "Keynsham Civic Centre, Market Walk, Keynsham BS31 1FS"
	lewisHouse = "Lewis House, Manvers Street, Bath BA1 1JG"
	theHollies = "The Hollies, High Street, Midsomer Norton BA3 2DP"
	ruhCentre  = "Education Centre, Royal United Hospital, Combe Park, Bath BA1 3NG"
	online     = ""
)

// sessionSpec places one session `day` days after today (moved to the next working day),
// starting at hour:minute London time. booked people take places; waitlisted more join the
// waiting list (only the full session has any). Nobody takes two dates of one course, so
// the people booked on all of a course's dates together must not outnumber the
// generated practitioners.
type sessionSpec struct {
	course     string
	day        int
	hour, min  int
	venue      string
	capacity   int
	booked     int
	waitlisted int
}

// The demo practitioner's own bookings: a place on one session and the waiting list of the
// full one.
const (
	practitionerConfirmed = 1 // index into sessions
	practitionerWaitlist  = fullSession
	fullSession           = 5
)

var sessions = []sessionSpec{
	{courseLevel1, 2, 10, 0, online, 30, 8, 0},
	{courseCSE, 3, 9, 30, guildhall, 20, 18, 0}, // nearly full; the demo practitioner takes one more
	{courseSlavery, 5, 13, 30, online, 30, 12, 0},
	{courseWhistle, 7, 12, 30, online, 25, 5, 0},
	{courseLevel2, 8, 9, 30, keynsham, 24, 3, 0},
	{courseDomestic, 10, 9, 30, lewisHouse, 16, 16, 4}, // the full one, with a waiting list
	{courseMissing, 12, 9, 30, theHollies, 20, 6, 0},
	{courseEarlyHelp, 14, 9, 30, online, 25, 4, 0},
	{courseLevel1, 16, 14, 0, online, 30, 3, 0},
	{courseCCE, 17, 9, 30, guildhall, 20, 7, 0},
	{courseWellbeing, 21, 13, 30, ruhCentre, 18, 5, 0},
	{courseSlavery, 28, 9, 30, keynsham, 25, 3, 0},
	{courseLevel2, 30, 9, 30, guildhall, 20, 18, 0}, // nearly full
	{courseCSE, 35, 13, 30, online, 30, 2, 0},
	{courseDomestic, 38, 9, 30, online, 30, 4, 0},
	{courseWhistle, 42, 12, 30, lewisHouse, 12, 11, 0}, // one place left
	{courseMissing, 45, 9, 30, online, 25, 2, 0},
	{courseLevel1, 49, 10, 0, online, 30, 1, 0},
	{courseEarlyHelp, 52, 9, 30, theHollies, 20, 3, 0},
	{courseCCE, 56, 13, 30, online, 30, 2, 0},
	{courseLevel2, 59, 9, 30, keynsham, 24, 4, 0},
	{courseSlavery, 63, 10, 0, online, 30, 2, 0},
	{courseWellbeing, 66, 13, 30, online, 25, 0, 0},
	{courseCSE, 70, 9, 30, keynsham, 20, 1, 0},
	{courseDomestic, 74, 9, 30, guildhall, 20, 0, 0},
	{courseLevel1, 78, 10, 0, online, 30, 0, 0},
	{courseMissing, 82, 9, 30, guildhall, 20, 0, 0},
}

// requiredTraining is what the partnership expects of whom: the demo manager's children's
// social care team must keep CSE and domestic abuse training current; everyone needs
// level 1.
var requiredTraining = []struct {
	course  string
	orgType account.OrgType
}{
	{courseLevel1, ""},
	{courseCSE, account.SocialCare},
	{courseDomestic, account.SocialCare},
}
