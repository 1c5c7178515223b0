module "example.com/bad
