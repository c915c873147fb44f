package identity_test

import (
	"fmt"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
)

func ExampleParseID() {
	today := civil.MustParse("2025-06-01")

	// An old 15-digit number is upgraded to 18 characters.
	id, err := identity.ParseID("130503670401001", today)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id.Number, id.Birth, id.Male, id.Upgraded)
	fmt.Println(identity.Mask(id.Number))

	// One wrong digit breaks the check character.
	_, err = identity.ParseID("130503196704010017", today)
	fmt.Println(core.ErrorCode(err))
	// Output:
	// 130503196704010016 1967-04-01 true true
	// 130503********0016
	// id_checksum
}

func ExampleCheckCard() {
	abc := []string{"622848"} // Agricultural Bank of China

	fmt.Println(identity.CheckCard("6228480402564890018", abc))
	fmt.Println(core.ErrorCode(identity.CheckCard("6228480402564890017", abc)))
	fmt.Println(core.ErrorCode(identity.CheckCard("4111111111111111", abc)))
	fmt.Println(identity.MaskCard("6228480402564890018"))
	// Output:
	// <nil>
	// card_luhn
	// card_issuer
	// 622848*********0018
}

func ExampleTransition() {
	s, _ := identity.Transition("", identity.Issue)
	s, _ = identity.Transition(s, identity.ReportLost)
	fmt.Println(s)
	s, _ = identity.Transition(s, identity.Replace)
	fmt.Println(s)
	_, err := identity.Transition(s, identity.ReverseLoss)
	fmt.Println(core.ErrorCode(err))
	// Output:
	// lost
	// replaced
	// card_invalid_transition
}
