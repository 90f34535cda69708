package seed

import (
	"context"

	"github.com/meshport/meshport/models"
)

// demoOrdersContract is the demo's contract of checkout/orders: it
// promises a column the warehouse table lacks (so the demo shows contract
// drift) and two quality rules that the crawl's checks run.
const demoOrdersContract = `apiVersion: v3.1.0
kind: DataContract
id: checkout.orders.orders
name: Orders
version: 1.2.0
status: active
domain: checkout
dataProduct: orders
description:
  purpose: Every order placed in the web shop, one row per order.
  usage: Join to customers on customer_id; totals are in EUR.
schema:
  - name: orders
    physicalName: orders
    physicalType: table
    description: Orders as placed.
    quality:
      - metric: rowCount
        mustBeGreaterThan: 1000
        description: The shop takes more than a thousand orders a quarter.
    properties:
      - name: id
        logicalType: integer
        physicalType: INTEGER
        primaryKey: true
        required: true
        quality:
          - metric: duplicateValues
            mustBe: 0
      - name: customer_id
        logicalType: integer
        physicalType: INTEGER
        quality:
          - metric: nullValues
            mustBe: 0
            severity: error
      - name: total
        logicalType: number
        physicalType: NUMERIC
        quality:
          - metric: nullValues
            mustBeLessThan: 1
            unit: percent
            description: Almost every order has a total.
      - name: placed_at
        logicalType: timestamp
        physicalType: TIMESTAMP
      - name: currency
        logicalType: string
        physicalType: TEXT
        description: Promised for the multi-currency launch; not in the table yet.
slaProperties:
  - property: latency
    value: 1
    unit: d
`

func demoContract(ctx context.Context, s *models.Store, seeder models.Principal) error {
	doc, err := models.ParseContract([]byte(demoOrdersContract))
	if err != nil {
		return err
	}
	_, err = s.SaveContract(ctx, seeder, "checkout", "orders", "orders", doc)
	if code := models.ErrorCode(err); code == models.ENOTFOUND {
		return nil // the demo product or its port was removed
	}
	return err
}
