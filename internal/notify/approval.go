package notify

import "github.com/traininghub/traininghub/internal/outbox"

// approvalKinds are the manager approval and substitution messages.
var approvalKinds = map[outbox.Kind]kindInfo{}
