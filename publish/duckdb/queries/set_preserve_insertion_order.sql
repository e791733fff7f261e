SET preserve_insertion_order = false
