"""The names of the standards' indicators and dimensions, Vietnamese first as the decrees word them, then English:
pure data. Pages, exports and the API read them through households.names, which picks the active language."""

# QĐ 59/2015/QĐ-TTg, Điều 2; NĐ 07/2021/NĐ-CP, Phụ lục; NĐ 351/2025/NĐ-CP (rác thải: tên tạm, chờ đối chiếu Phụ lục).
DEPRIVATION_NAMES = {
    "employment": ("Việc làm", "Employment"),
    "dependents": ("Người phụ thuộc trong hộ gia đình", "Dependents in the household"),
    "nutrition": ("Dinh dưỡng", "Nutrition"),
    "health_access": ("Tiếp cận các dịch vụ y tế", "Access to health services"),
    "health_insurance": ("Bảo hiểm y tế", "Health insurance"),
    "adult_education": ("Trình độ giáo dục của người lớn", "Adult education"),
    "child_school": ("Tình trạng đi học của trẻ em", "Children's school attendance"),
    "housing_quality": ("Chất lượng nhà ở", "Housing quality"),
    "housing_area": ("Diện tích nhà ở bình quân đầu người", "Floor area per person"),
    "water": ("Nguồn nước sinh hoạt", "Domestic water source"),
    "latrine": ("Nhà tiêu hợp vệ sinh", "Hygienic latrine"),
    "telecom": ("Sử dụng dịch vụ viễn thông", "Use of telecom services"),
    "information_assets": ("Tài sản phục vụ tiếp cận thông tin", "Assets for access to information"),
    "information_means": ("Phương tiện phục vụ tiếp cận thông tin", "Means of access to information"),
    "waste": ("Thu gom, xử lý rác thải sinh hoạt", "Household waste collection and treatment"),
}

# The dimensions of basic social services (NĐ 07/2021/NĐ-CP, Điều 3; QĐ 59/2015/QĐ-TTg has the last five).
DIMENSION_NAMES = {
    "employment": ("Việc làm", "Employment"),
    "health": ("Y tế", "Health"),
    "education": ("Giáo dục", "Education"),
    "housing": ("Nhà ở", "Housing"),
    "water_sanitation": ("Nước sinh hoạt và vệ sinh", "Domestic water and sanitation"),
    "information": ("Thông tin", "Information"),
}
