module example.com/bad /* not allowed */
