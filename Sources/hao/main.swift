print("hao: under construction")
