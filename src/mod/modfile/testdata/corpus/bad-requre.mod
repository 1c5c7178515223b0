module example.com/bad

requre example.com/x v1.0.0
