"""The branch-system API of customers, products, invoices, payments, collection plans and ageing."""
