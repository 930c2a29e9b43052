package notify

import "github.com/traininghub/traininghub/internal/outbox"

// digestKinds are the managers' weekly digest messages.
var digestKinds = map[outbox.Kind]kindInfo{}
